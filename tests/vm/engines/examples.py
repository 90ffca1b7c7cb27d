#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The examples as the engines start them (tests/vm/engines.sh, host side).

    examples.py dockerfile-changes DOCKERFILE
        the final stage's ENTRYPOINT and CMD as two `import --change`
        values, one per line: ENTRYPOINT ["..."] and CMD ["..."]
    examples.py compose-run COMPOSE_YAML
        the `docker run` arguments that Compose gives the one service that
        runs cginit, one per line: the flags, the image, then the argv
        after the entry point's first word. A service key this cannot
        translate is an error, so that no option of the file goes untested.
    examples.py compose-schema COMPOSE_YAML COMPOSE_SPEC_JSON
        validates the file against the schema of Debian's docker-compose
        (compose/config/compose_spec.json); prints what it checked.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples"))
import argv  # noqa: E402  tests/examples/argv.py: the one parser of these files


def dockerfile_changes(path):
    text = open(path, encoding="utf-8").read()
    entrypoint, cmd = None, None
    for word, rest in argv.dockerfile_instructions(text):
        if word == "FROM":
            entrypoint, cmd = None, None
        elif word == "ENTRYPOINT":
            entrypoint = argv.exec_form(word, rest)
        elif word == "CMD":
            cmd = argv.exec_form(word, rest)
    if entrypoint is None or cmd is None:
        raise argv.ExampleError("the final stage needs an ENTRYPOINT and a CMD")
    print("ENTRYPOINT " + json.dumps(entrypoint))
    print("CMD " + json.dumps(cmd))


def seconds(v):
    m = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(v))
    if not m or not any(m.groups()):
        raise argv.ExampleError(f"stop_grace_period {v!r}: not NmNs")
    return int(m.group(1) or 0) * 60 + int(m.group(2) or 0)


def compose_run(path):
    import yaml
    doc = yaml.safe_load(open(path, encoding="utf-8")) or {}
    svcs = [(n, s) for n, s in (doc.get("services") or {}).items()
            if os.path.basename(str((s.get("entrypoint") or [""])[0])) == "cginit"]
    if len(svcs) != 1:
        raise argv.ExampleError(f"{len(svcs)} services run cginit, want 1")
    name, s = svcs[0]
    flags = []
    for key, v in s.items():
        if key == "build":
            pass  # the guest imports the image instead (no registry there)
        elif key in ("image", "entrypoint", "command"):
            pass  # below
        elif key == "privileged":
            if v is True:
                flags.append("--privileged")
        elif key == "cgroup":
            flags.append(f"--cgroupns={v}")
        elif key == "init":
            if v is True:
                flags.append("--init")
        elif key == "stop_grace_period":
            flags.append(f"--stop-timeout={seconds(v)}")
        else:
            raise argv.ExampleError(f"service {name}: no docker run flag for {key!r} here:"
                                    " teach tests/vm/engines/examples.py")
    words = argv.compose(open(path, encoding="utf-8").read())
    words = dict(words)[f"service {name}"]
    if any("\n" in w for w in words):
        raise argv.ExampleError("a word holds a newline")
    flags.append(f"--entrypoint={words[0]}")
    print("\n".join(flags + [str(s.get("image") or name)] + words[1:]))


def compose_schema(path, spec):
    import yaml
    import jsonschema
    schema = json.load(open(spec, encoding="utf-8"))
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    # Debian's docker-compose 1.29.2 predates the Compose Specification's
    # `cgroup` (host or private, compose-spec issue 148; docker compose
    # v2 has it). It is the one key added here; any other unknown key, a
    # typo included, still fails.
    svc = schema["definitions"]["service"]
    added = []
    if "cgroup" not in svc["properties"]:
        svc["properties"]["cgroup"] = {"type": "string", "enum": ["host", "private"]}
        added.append("cgroup")
    # the draft the file names, or the newest this jsonschema knows
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print(f"{'/'.join(str(p) for p in e.path)}: {e.message}", file=sys.stderr)
    if errors:
        return 1
    print(f"{os.path.basename(path)} is valid against {os.path.basename(spec)} of docker-compose"
          f" with {cls.__name__}" + (f", plus {', '.join(added)} of the newer spec" if added else ""))
    return 0


def main(a):
    try:
        if len(a) == 2 and a[0] == "dockerfile-changes":
            dockerfile_changes(a[1])
        elif len(a) == 2 and a[0] == "compose-run":
            compose_run(a[1])
        elif len(a) == 3 and a[0] == "compose-schema":
            return compose_schema(a[1], a[2])
        else:
            print(__doc__.strip(), file=sys.stderr)
            return 2
    except ImportError as e:
        print(f"{e}: apt-get install python3-yaml python3-jsonschema"
              " (scripts/install-deps.sh test)", file=sys.stderr)
        return 1
    except (OSError, ValueError, argv.ExampleError) as e:
        print(f"{e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
