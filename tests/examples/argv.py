#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Takes the command lines out of the example files.

    argv.py KIND FILE          records, NUL-separated: NAME, N, then N words
    argv.py --lines KIND FILE  the words of the one record, one per line

KIND is one of:
  dockerfile             the final stage's ENTRYPOINT followed by its CMD
  dockerfile-entrypoint  the final stage's ENTRYPOINT alone
  ecs                    entryPoint + command of each container definition
  k8s                    command + args of each container (all documents)
  compose                entrypoint + command of each service

Only JSON-array (exec form) ENTRYPOINT/CMD and list or string fields are
understood; anything else is an error on stderr with exit code 1. Records
are what the runtime would exec, except that Compose's "$$" is turned
into "$" as Compose does. Used by tests/examples/check.sh and
tests/vm/run.sh.
"""
import json
import shlex
import sys


class ExampleError(Exception):
    pass


def dockerfile_instructions(text):
    """(KEYWORD, rest) of each instruction, continuation lines joined."""
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not cur and (not line or line.startswith("#")):
            continue
        if cur and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        cur += line
        word, _, rest = cur.strip().partition(" ")
        out.append((word.upper(), rest.strip()))
        cur = ""
    if cur:
        raise ExampleError("Dockerfile ends inside a continued line")
    return out


def exec_form(keyword, rest):
    try:
        value = json.loads(rest)
    except ValueError as e:
        raise ExampleError(f"{keyword} is not a JSON array (exec form): {e}")
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ExampleError(f"{keyword} is not a JSON array of strings")
    return value


def dockerfile(text, with_cmd):
    final = None
    entrypoint, cmd = None, None
    for word, rest in dockerfile_instructions(text):
        if word == "FROM":
            final = rest
            entrypoint, cmd = None, None
        elif word == "ENTRYPOINT":
            entrypoint = exec_form(word, rest)
        elif word == "CMD":
            cmd = exec_form(word, rest)
    if final is None:
        raise ExampleError("no FROM")
    if entrypoint is None:
        raise ExampleError("the final stage has no ENTRYPOINT")
    if with_cmd:
        return [("ENTRYPOINT+CMD", entrypoint + (cmd or []))]
    return [("ENTRYPOINT", entrypoint)]


def words(value, what, split):
    if value is None:
        return []
    if isinstance(value, str) and split:
        return shlex.split(value)
    if isinstance(value, list) and all(isinstance(w, (str, int, float)) for w in value):
        return [str(w) for w in value]
    raise ExampleError(f"{what} is neither a list of words nor a string")


def ecs(text):
    task = json.loads(text)
    out = []
    for c in task.get("containerDefinitions") or []:
        argv = words(c.get("entryPoint"), "entryPoint", False) + \
            words(c.get("command"), "command", False)
        out.append((f"container {c.get('name', '?')}", argv))
    return out


def k8s(text):
    import yaml
    out = []
    for doc in yaml.safe_load_all(text):
        if not doc:
            continue
        kind = doc.get("kind", "?")
        name = (doc.get("metadata") or {}).get("name", "?")
        spec = doc.get("spec") or {}
        # Pods directly; Deployments, Jobs and the like through their template.
        while "template" in spec or "jobTemplate" in spec:
            spec = (spec.get("template") or spec.get("jobTemplate") or {}).get("spec") or {}
        for group in ("initContainers", "containers"):
            for c in spec.get(group) or []:
                argv = words(c.get("command"), "command", False) + \
                    words(c.get("args"), "args", False)
                out.append((f"{kind}/{name} container {c.get('name', '?')}", argv))
    return out


def compose(text):
    import yaml
    doc = yaml.safe_load(text) or {}
    out = []
    for name, svc in (doc.get("services") or {}).items():
        argv = words(svc.get("entrypoint"), "entrypoint", True) + \
            words(svc.get("command"), "command", True)
        out.append((f"service {name}", [w.replace("$$", "$") for w in argv]))
    return out


def main(args):
    lines = False
    if args and args[0] == "--lines":
        lines = True
        args = args[1:]
    if len(args) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    kind, path = args
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if kind == "dockerfile":
            records = dockerfile(text, True)
        elif kind == "dockerfile-entrypoint":
            records = dockerfile(text, False)
        elif kind == "ecs":
            records = ecs(text)
        elif kind == "k8s":
            records = k8s(text)
        elif kind == "compose":
            records = compose(text)
        else:
            raise ExampleError(f"unknown kind {kind}")
    except (OSError, ValueError, ExampleError) as e:
        print(f"{path}: {e}", file=sys.stderr)
        return 1
    except Exception as e:  # yaml.YAMLError and the like
        print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    if lines:
        if len(records) != 1:
            print(f"{path}: {len(records)} command lines, --lines wants one", file=sys.stderr)
            return 1
        argv = records[0][1]
        if any("\n" in w for w in argv):
            print(f"{path}: a word holds a newline; --lines cannot show it", file=sys.stderr)
            return 1
        sys.stdout.write("".join(w + "\n" for w in argv))
        return 0
    out = sys.stdout.buffer
    for name, argv in records:
        for field in [name, str(len(argv))] + argv:
            out.write(field.encode("utf-8") + b"\0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
