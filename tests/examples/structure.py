#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that each example file says what examples/README.md says it does.

    structure.py EXAMPLES_DIR

Prints "PASS: what" or "FAIL: what: why" per check; exits 1 if any failed.
The command lines themselves are checked by check.sh with cginit --dry-run.
"""
import json
import os
import sys

import yaml

results = []


def check(what, ok, why):
    results.append((what, ok, why))


def cginit_containers(containers, key_cmd):
    return [c for c in containers or []
            if os.path.basename(str((c.get(key_cmd) or [""])[0])) == "cginit"]


def mode_of(argv):
    """The --cgroup mode an argv asks for (auto when none), options only."""
    mode = "auto"
    for i, w in enumerate(argv):
        if w == "--":
            break
        if w.startswith("--cgroup="):
            mode = w.split("=", 1)[1]
        elif w == "--cgroup" and i + 1 < len(argv):
            mode = argv[i + 1]
    return mode


def ecs(d):
    path = os.path.join(d, "ecs-task-definition.json")
    task = json.load(open(path))
    cs = cginit_containers(task.get("containerDefinitions"), "entryPoint")
    name = "ecs-task-definition.json"
    check(f"{name}: a container runs cginit", bool(cs), "no entryPoint starts with cginit")
    for c in cs:
        lp = c.get("linuxParameters") or {}
        check(f"{name}: {c['name']}: no initProcessEnabled",
              lp.get("initProcessEnabled") is not True,
              "initProcessEnabled would put docker-init in front of cginit")
        check(f"{name}: {c['name']}: privileged", c.get("privileged") is True,
              "--cgroup=require needs a writable /sys/fs/cgroup")
        check(f"{name}: {c['name']}: --cgroup=require", mode_of(c["entryPoint"]) == "require",
              f"mode is {mode_of(c['entryPoint'])}")
        check(f"{name}: {c['name']}: starts as root", "user" not in c,
              "a \"user\" keeps cginit from building the layout")

    path = os.path.join(d, "ecs-task-definition-fargate.json")
    task = json.load(open(path))
    name = "ecs-task-definition-fargate.json"
    check(f"{name}: FARGATE", "FARGATE" in (task.get("requiresCompatibilities") or []),
          "requiresCompatibilities lacks FARGATE")
    cs = cginit_containers(task.get("containerDefinitions"), "entryPoint")
    check(f"{name}: a container runs cginit", bool(cs), "no entryPoint starts with cginit")
    for c in cs:
        check(f"{name}: {c['name']}: not privileged", not c.get("privileged"),
              "Fargate refuses privileged containers")
        check(f"{name}: {c['name']}: --cgroup=auto", mode_of(c["entryPoint"]) == "auto",
              f"mode is {mode_of(c['entryPoint'])}: require would exit 125 on Fargate")
        lp = c.get("linuxParameters") or {}
        check(f"{name}: {c['name']}: no initProcessEnabled",
              lp.get("initProcessEnabled") is not True,
              "initProcessEnabled would put docker-init in front of cginit")


def pods(path):
    return [doc for doc in yaml.safe_load_all(open(path)) if doc and doc.get("kind") == "Pod"]


def k8s(d):
    name = "k8s-pod.yaml"
    ps = pods(os.path.join(d, name))
    check(f"{name}: one Pod", len(ps) == 1, f"{len(ps)} Pods")
    for p in ps:
        spec = p["spec"]
        check(f"{name}: own pid namespace", spec.get("shareProcessNamespace") is not True,
              "shareProcessNamespace makes the pause container PID 1")
        cs = cginit_containers(spec.get("containers"), "command")
        check(f"{name}: a container runs cginit", bool(cs), "no command starts with cginit")
        for c in cs:
            sc = c.get("securityContext") or {}
            check(f"{name}: {c['name']}: privileged", sc.get("privileged") is True,
                  "--cgroup=require needs a writable /sys/fs/cgroup")
            check(f"{name}: {c['name']}: --cgroup=require", mode_of(c["command"]) == "require",
                  f"mode is {mode_of(c['command'])}")
            check(f"{name}: {c['name']}: starts as root",
                  "runAsUser" not in sc and not sc.get("runAsNonRoot"),
                  "runAsUser/runAsNonRoot keep cginit from building the layout")

    name = "k8s-pod-shared-pid.yaml"
    ps = pods(os.path.join(d, name))
    check(f"{name}: one Pod", len(ps) == 1, f"{len(ps)} Pods")
    for p in ps:
        spec = p["spec"]
        check(f"{name}: shareProcessNamespace", spec.get("shareProcessNamespace") is True,
              "the point of this example")
        cs = cginit_containers(spec.get("containers"), "command")
        check(f"{name}: a container runs cginit", bool(cs), "no command starts with cginit")
        for c in cs:
            check(f"{name}: {c['name']}: auto mode", mode_of(c["command"]) == "auto",
                  f"mode is {mode_of(c['command'])}; the comments describe auto")


def compose(d):
    name = "compose.yaml"
    doc = yaml.safe_load(open(os.path.join(d, name)))
    svcs = {n: s for n, s in (doc.get("services") or {}).items()
            if os.path.basename(str((s.get("entrypoint") or [""])[0])) == "cginit"}
    check(f"{name}: a service runs cginit", bool(svcs), "no entrypoint starts with cginit")
    for n, s in svcs.items():
        check(f"{name}: {n}: privileged", s.get("privileged") is True,
              "--cgroup=require needs a writable /sys/fs/cgroup")
        check(f"{name}: {n}: cgroup: private", s.get("cgroup") == "private",
              f"cgroup is {s.get('cgroup')!r}")
        check(f"{name}: {n}: init: false", s.get("init") is False,
              "init: true would put docker-init in front of cginit")
        check(f"{name}: {n}: command set", bool(s.get("command")),
              "setting entrypoint clears the image's CMD")


def main(argv):
    d = argv[1]
    for part in (ecs, k8s, compose):
        try:
            part(d)
        except Exception as e:  # a missing file or key: one failure, go on
            check(f"structure of the {part.__name__} examples", False,
                  f"{type(e).__name__}: {e}")
    failed = 0
    for what, ok, why in results:
        if ok:
            print(f"PASS: {what}")
        else:
            print(f"FAIL: {what}: {why}")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
