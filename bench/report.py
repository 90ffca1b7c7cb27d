#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns bench/run.sh's raw results into markdown tables.

    report.py DIR table METRIC   one table (the note is printed by run.sh)
    report.py DIR bootstrap      the table of metric 7 (cgroup bootstrap)
    report.py DIR jobs           the table of metric 8 (job runner overhead)
    report.py DIR goals          the summary of every goal

DIR holds results.tsv (metric, subject, value: one line per repetition;
a value starting with '!' is a failure text instead of a number) and
subjects.tsv (subject, link class, path).
"""
import statistics
import sys

STATIC_PEERS = ["tini-static", "catatonit"]
DYNAMIC_PEERS = ["tini", "dumb-init"]
ALL_PEERS = STATIC_PEERS + DYNAMIC_PEERS

# Each metric: title, unit, how many values a subject has ("single" for
# sizes), ratio columns as (reference subject, row classes it applies to),
# and the goals as (subject, kind, arguments).
SPEC = {
    "size": dict(
        title="1. Binary size, stripped (KiB)", unit="KiB", single=True,
        ratios=[("cginit-static", None), ("cginit", {"dynamic"})],
        goals=[("cginit-static", "below", (96, 64, "KiB"))]),
    "rss": dict(
        title="2. Idle RSS of PID 1 (VmRSS, KiB)", unit="KiB",
        ratios=[("cginit-static", None), ("cginit", {"dynamic"})],
        goals=[("cginit-static", "below", (100, None, "KB"))]),
    "wakeups": dict(
        title="3. Idle wakeups of PID 1 (context switches in the idle window)",
        unit="switches",
        ratios=[],
        goals=[("cginit-static", "zero", ()), ("cginit", "zero", ())]),
    "reap_cpu": dict(
        title="4a. Reaping: init CPU per reaped orphan (µs)", unit="µs",
        ratios=[("cginit-static", None), ("cginit", {"dynamic"})],
        goals=[("cginit-static", "best", ALL_PEERS),
               ("cginit", "best", ALL_PEERS)]),
    "reap_wall": dict(
        title="4b. Reaping: wall time from first fork to zero zombies (ms)",
        unit="ms",
        ratios=[("cginit-static", None), ("cginit", {"dynamic"})],
        goals=[]),
    "reap_peak": dict(
        title="4c. Reaping: peak zombie count seen", unit="zombies",
        ratios=[], goals=[]),
    "startup": dict(
        title="5a. Start-up latency: `INIT -- /bin/true` (ms, median of runs)",
        unit="ms",
        ratios=[("cginit-static", None), ("cginit", {"dynamic"}),
                ("tini", None), ("bare /bin/true", None)],
        goals=[("cginit-static", "best", ALL_PEERS),
               ("cginit", "best", DYNAMIC_PEERS)]),
    "startup_pid1": dict(
        title="5b. Start-up latency as PID 1: `unshare --pid --fork INIT -- "
              "/bin/true` (ms, median of runs)",
        unit="ms",
        ratios=[("cginit-static", None), ("cginit", {"dynamic"}),
                ("tini", None), ("bare /bin/true", None)],
        goals=[("cginit-static", "best", ALL_PEERS),
               ("cginit", "best", DYNAMIC_PEERS)]),
    "sig_median": dict(
        title="6a. Signal forwarding round trip, median (µs)", unit="µs",
        ratios=[("cginit-static", None), ("cginit", {"dynamic"}),
                ("direct (no init)", None)],
        goals=[("cginit-static", "best", ALL_PEERS),
               ("cginit", "best", DYNAMIC_PEERS)]),
    "sig_p99": dict(
        title="6b. Signal forwarding round trip, p99 (µs)", unit="µs",
        ratios=[("cginit-static", None), ("cginit", {"dynamic"}),
                ("direct (no init)", None)],
        goals=[]),
}


def load(directory):
    subjects = []
    for line in open(f"{directory}/subjects.tsv", encoding="utf-8"):
        name, klass, path = line.rstrip("\n").split("\t")
        subjects.append((name, klass, path))
    results = {}
    try:
        for line in open(f"{directory}/results.tsv", encoding="utf-8"):
            metric, name, value = line.rstrip("\n").split("\t", 2)
            results.setdefault(metric, {}).setdefault(name, []).append(value)
    except FileNotFoundError:
        pass
    return subjects, results


def fmt(x):
    if x is None:
        return ""
    if float(x).is_integer() and abs(x) < 1e6:
        return str(int(x))
    a = abs(x)
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


class Cell:
    """The values of one subject for one metric."""

    def __init__(self, raw):
        raw = raw or []
        self.numbers = [float(v) for v in raw if not v.startswith("!")]
        self.problems = [v[1:] for v in raw if v.startswith("!")]

    @property
    def ok(self):
        # some repetitions may have failed: the others still count, and
        # the failures are shown next to the numbers
        return bool(self.numbers)

    def partial(self):
        """'(2 of 5 failed)' when some, not all, repetitions failed."""
        if self.numbers and self.problems:
            total = len(self.numbers) + len(self.problems)
            return f" ({len(self.problems)} of {total} failed)"
        return ""

    def failures(self):
        seen = []
        for p in self.problems:
            if p not in seen:
                seen.append(p)
        return "; ".join(f"{p} (×{self.problems.count(p)})"
                         if self.problems.count(p) > 1 else p for p in seen)

    @property
    def median(self):
        return statistics.median(self.numbers) if self.ok else None

    def why(self):
        if self.problems and not self.numbers:
            # the same text once, with a count when it repeats
            first = self.problems[0]
            n = self.problems.count(first)
            return first + (f" (×{n})" if n > 1 else "")
        return "not run"


def evaluate(metric, spec, cells):
    """Returns {subject: (verdict, text)} for the metric's goals."""
    out = {}
    for subject, kind, args in spec["goals"]:
        cell = cells.get(subject)
        if cell is None or not cell.ok:
            out[subject] = ("n/a", f"not measured: {cell.why() if cell else 'not run'}")
            continue
        if kind == "below":
            limit, stretch, unit = args
            if cell.median < limit:
                text = f"PASS (< {limit} {unit})"
                if stretch is not None:
                    text += (f"; stretch < {stretch} {unit}: "
                             + ("PASS" if cell.median < stretch else "MISS"))
                out[subject] = ("PASS", text)
            else:
                out[subject] = ("MISS", f"MISS (goal < {limit} {unit})")
        elif kind == "zero":
            worst = max(cell.numbers)
            if worst == 0:
                out[subject] = ("PASS", "PASS (0 in every repetition)")
            else:
                out[subject] = ("MISS", f"MISS (up to {fmt(worst)}; goal 0)")
        elif kind == "best":
            peers = [(p, cells[p].median) for p in args
                     if p in cells and cells[p].ok]
            if not peers:
                out[subject] = ("n/a", "no peer measured")
                continue
            best, value = min(peers, key=lambda pv: pv[1])
            delta = (cell.median / value - 1) * 100 if value else 0.0
            scope = "best peer" if args == ALL_PEERS else "best dynamic peer"
            verdict = "PASS" if cell.median <= value else "MISS"
            # say so when the two spreads overlap: the verdict could flip
            # in another run of this noisy machine
            peer = cells[best]
            overlap = (min(cell.numbers) <= max(peer.numbers)
                       and min(peer.numbers) <= max(cell.numbers))
            out[subject] = (verdict,
                            f"{verdict} ({delta:+.0f}% vs {scope} {best}"
                            + ("; ranges overlap" if overlap else "") + ")")
    for subject, (verdict, text) in list(out.items()):
        cell = cells.get(subject)
        if cell is not None and cell.partial():
            out[subject] = (verdict, text + ";" + cell.partial().rstrip(")")
                            .replace(" (", " ") + " repetitions")
    return out


def table(directory, metric):
    spec = SPEC[metric]
    subjects, results = load(directory)
    raw = results.get(metric, {})
    names = [s[0] for s in subjects if s[0] in raw or s[1] != "baseline"]
    klass = {s[0]: s[1] for s in subjects}
    cells = {n: Cell(raw.get(n)) for n in names}
    goals = evaluate(metric, spec, cells)

    print(f"### {spec['title']}")
    print()
    head = ["init", "link"]
    head += ["value"] if spec.get("single") else ["median", "min", "max"]
    head += [f"÷ {ref}" for ref, _ in spec["ratios"]]
    if spec["goals"]:
        head.append("goal")
    print("| " + " | ".join(head) + " |")
    aligns = ["---", "---"] + ["--:"] * (len(head) - 2)
    if spec["goals"]:
        aligns[-1] = "---"
    print("|" + "|".join(aligns) + "|")
    for name in names:
        cell = cells[name]
        row = [name, klass.get(name, "?")]
        nvals = 1 if spec.get("single") else 3
        if cell.ok:
            if spec.get("single"):
                row.append(fmt(cell.median) + cell.partial())
            else:
                row += [fmt(cell.median) + cell.partial(),
                        fmt(min(cell.numbers)), fmt(max(cell.numbers))]
        else:
            row += [f"**{cell.why()}**"] + [""] * (nvals - 1)
        for ref, classes in spec["ratios"]:
            if classes is not None and klass.get(name) not in classes:
                row.append("")
                continue
            refcell = cells.get(ref)
            if not cell.ok:
                row.append("")
            elif refcell is None or not refcell.ok:
                row.append("n/a")
            elif refcell.median == 0:
                row.append("∞" if cell.median else "1.00×")
            else:
                row.append(f"{cell.median / refcell.median:.2f}×")
        if spec["goals"]:
            row.append(goals[name][1] if name in goals else "")
        print("| " + " | ".join(row) + " |")
    print()
    for name in names:
        if cells[name].partial():
            print(f"- {name}: failed repetitions: {cells[name].failures()}")
    if any(cells[n].partial() for n in names):
        print()


BOOT_METHODS = [("floor", "C floor (bootfloor.c)"),
                ("floor-layout", "floor + the layout's 3 cgroups and 2 enables, "
                                 "clone3 into worker/ (bootfloor -l)"),
                ("cginit", "cginit"), ("dind", "dind xargs"), ("shell", "shell loop")]
BOOT_GOAL_K, BOOT_GOAL_RATIO = "1000", 1.1


def boot_cells(results):
    """{metric: {(K, method): Cell}} for boot and boot_total, and the
    failure text that applies to the whole metric, if any."""
    cells, whole = {}, None
    for metric in ("boot", "boot_total"):
        for subject, raw in results.get(metric, {}).items():
            if subject == "*":
                whole = Cell(raw).why()
                continue
            k, method = subject.split(" ", 1)
            cells.setdefault(metric, {})[(k, method)] = Cell(raw)
    return cells, whole


def ratio_goal(mine, floor, limit, what):
    """(verdict, text) for mine.median ÷ floor.median ≤ limit."""
    ratio = mine.median / floor.median
    verdict = "PASS" if ratio <= limit else "MISS"
    overlap = (min(mine.numbers) <= max(floor.numbers) * limit
               and min(floor.numbers) * limit <= max(mine.numbers))
    return (verdict, f"{verdict} ({ratio:.2f}× the floor{what}; goal ≤ {limit:g}×"
                     + ("; the min–max ranges straddle the goal" if overlap else "")
                     + ")")


def boot_goal(results):
    cells, whole = boot_cells(results)
    if "boot" not in results:
        return ("n/a", "not run")
    floor = cells.get("boot", {}).get((BOOT_GOAL_K, "floor"))
    mine = cells.get("boot", {}).get((BOOT_GOAL_K, "cginit"))
    if not (floor and mine and floor.ok and mine.ok and floor.median):
        why = whole or (mine.why() if mine and not mine.ok else
                        floor.why() if floor and not floor.ok else "not measured")
        return ("n/a", f"not measured: {why}")
    return ratio_goal(mine, floor, BOOT_GOAL_RATIO, f" at K={BOOT_GOAL_K}")


def span(cell):
    if cell is None:
        return ""
    if not cell.ok:
        return f"**{cell.why()}**"
    return (f"{fmt(cell.median)} ({fmt(min(cell.numbers))}–"
            f"{fmt(max(cell.numbers))}){cell.partial()}")


def over(cell, ref):
    if not (cell and ref and cell.ok and ref.ok and ref.median):
        return "" if not (cell and cell.ok) else "n/a"
    return f"{cell.median / ref.median:.2f}×"


def bootstrap_table(directory):
    """Metric 7: one row per bootstrap, one column pair per K."""
    _, results = load(directory)
    cells, whole = boot_cells(results)
    print("### 7. Cgroup bootstrap in a QEMU guest (TCG): ms until the "
          "workload starts, median (min–max)")
    print()
    if not cells.get("boot"):
        print("| K | result |")
        print("|---|---|")
        print(f"| 10, 100, 1000 | **{whole or 'not run: metric 7 not selected'}** |")
        print()
        return
    boot, total = cells["boot"], cells.get("boot_total", {})
    ks = sorted({k for k, _ in boot}, key=int)
    head = ["bootstrap"]
    for k in ks:
        head += [f"K={k}", "÷ floor"]
    head.append("goal")
    print("| " + " | ".join(head) + " |")
    print("|---|" + "--:|" * (len(head) - 2) + "---|")
    rows = [(label, boot, m) for m, label in BOOT_METHODS]
    after = [m for m, _ in BOOT_METHODS].index("cginit") + 1
    rows.insert(after, ("cginit, whole run (÷ the floor's)", total, "cginit"))
    for label, metric, m in rows:
        if not any((k, m) in metric for k in ks):
            continue
        row = [label]
        for k in ks:
            cell = metric.get((k, m))
            row += [span(cell), over(cell, metric.get((k, "floor")))]
        row.append(boot_goal(results)[1] if metric is boot and m == "cginit" else "")
        print("| " + " | ".join(row) + " |")
    if whole:
        print(f"| all | **{whole}** |" + " |" * (len(head) - 2))
    print()
    notes = [f"- K={k} {m}: failed trials: {c.failures()}"
             for (k, m), c in sorted(boot.items(), key=lambda kv: int(kv[0][0]))
             if c.problems]
    if notes:
        print("\n".join(notes))
        print()


# Metric 8: the subjects as jobbench.c names them, in table order.
JOB_METHODS = [
    ("true", "bare fork + exec of /bin/true (floor 1)"),
    ("floor", "C floor: mkdir, 3 limit writes, clone3 into it, wait, rmdir (jobfloor.c)"),
    ("floor-byte", "floor + the child's start byte on a pipe (jobfloor -p)"),
    ("floor-full", "floor + start byte + swap/oom.group writes, cgroup.events (a kill only "
                   "if still populated), the verdict's reads (jobfloor -p -k)"),
    ("nobroker", "`cginit --job -q --no-broker LIMITS -- /bin/true`"),
    ("broker", "`cginit --job -q LIMITS -- /bin/true`, through the broker"),
]
JOB_GOALS = [("broker", "with the broker"), ("nobroker", "without the broker")]
JOB_GOAL_RATIO = 1.5


def job_cells(results):
    raw = results.get("job", {})
    whole = Cell(raw["*"]).why() if "*" in raw else None
    return {m: Cell(v) for m, v in raw.items() if m != "*"}, whole


def job_goals(results):
    cells, whole = job_cells(results)
    floor = cells.get("floor")
    out = []
    for m, label in JOB_GOALS:
        mine = cells.get(m)
        if not (mine and floor and mine.ok and floor.ok and floor.median):
            why = whole or (mine.why() if mine and not mine.ok else
                            floor.why() if floor and not floor.ok else "not measured")
            out.append((m, label, "n/a", f"not measured: {why}"))
        else:
            out.append((m, label) + ratio_goal(mine, floor, JOB_GOAL_RATIO, ""))
    return out


def jobs_table(directory):
    _, results = load(directory)
    cells, whole = job_cells(results)
    print("### 8. Job runner overhead in a QEMU guest (TCG): start to exit of "
          "one job running /bin/true (ms; each repetition the median of its runs)")
    print()
    if not cells:
        print("| command | result |")
        print("|---|---|")
        print(f"| all | **{whole or 'not run: metric 8 not selected'}** |")
        print()
        return
    goals = {m: text for m, _, _, text in job_goals(results)}
    print("| command | median | min | max | ÷ floor | ÷ bare /bin/true | goal |")
    print("|---|--:|--:|--:|--:|--:|---|")
    for m, label in JOB_METHODS + [(m, m) for m in cells
                                   if m not in dict(JOB_METHODS)]:
        cell = cells.get(m)
        if cell is None:
            continue
        if cell.ok:
            vals = [fmt(cell.median) + cell.partial(), fmt(min(cell.numbers)),
                    fmt(max(cell.numbers))]
        else:
            vals = [f"**{cell.why()}**", "", ""]
        row = [label] + vals + [over(cell, cells.get("floor")),
                                over(cell, cells.get("true")), goals.get(m, "")]
        print("| " + " | ".join(row) + " |")
    if whole:
        print(f"| all | **{whole}** |" + " |" * 5)
    print()
    notes = [f"- {m}: failed repetitions: {c.failures()}"
             for m, c in cells.items() if c.problems]
    if notes:
        print("\n".join(notes))
        print()


def goals_summary(directory):
    subjects, results = load(directory)
    rows = []
    for metric, spec in SPEC.items():
        if metric not in results:
            continue  # not selected (BENCH_METRICS)
        raw = results.get(metric, {})
        cells = {s[0]: Cell(raw.get(s[0])) for s in subjects}
        for subject, (verdict, text) in evaluate(metric, spec, cells).items():
            rows.append((spec["title"].split(" ", 1)[0].rstrip("."),
                         spec["title"].split(" ", 1)[1], subject, verdict, text))
    if "boot" in results:
        verdict, text = boot_goal(results)
        rows.append(("7", "Cgroup bootstrap in a QEMU guest, K=1000, ÷ its C floor",
                     "cginit-static", verdict, text))
    if "job" in results:
        for _, label, verdict, text in job_goals(results):
            rows.append(("8", f"Job runner overhead, {label}, ÷ its C floor",
                         "cginit-static", verdict, text))
    print("### Goals")
    print()
    print("| # | metric | binary | verdict | detail |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    counts = {v: sum(1 for r in rows if r[3] == v) for v in ("PASS", "MISS", "n/a")}
    print(f"goals: {counts['PASS']} pass, {counts['MISS']} miss, "
          f"{counts['n/a']} not measured")


def main(argv):
    if len(argv) >= 4 and argv[2] == "table":
        table(argv[1], argv[3])
    elif len(argv) == 3 and argv[2] == "bootstrap":
        bootstrap_table(argv[1])
    elif len(argv) == 3 and argv[2] == "jobs":
        jobs_table(argv[1])
    elif len(argv) == 3 and argv[2] == "goals":
        goals_summary(argv[1])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
