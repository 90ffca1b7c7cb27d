#!/usr/bin/env python3
"""make lint, part 3: every format string in the sources uses only what
cginit's own formatter (text.c, cg_vfmt) can do: %s %.*s %-Ns %c %d %i %u
%x, with the l, ll and z modifiers, and %%. gcc's -Wformat takes cg_fmt
for printf and would accept %05d, %X or %.3s, which cg_vfmt prints wrong
or not at all. Usage: tests/fmt-lint.py SOURCES...; prints one line per
offending conversion and exits 1 if there is any."""
import re
import sys

# A C string literal; escapes kept, which is enough to find conversions.
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
# What cg_vfmt supports, exactly.
ALLOWED = re.compile(r'%(?:%|s|\.\*s|-[0-9]+s|c|(?:l|ll|z)?[diux])')
ANY = re.compile(r'%[-+ #0-9.*hlLqjzt]*[A-Za-z%]?')


def strip_comments(text):
    return re.sub(r'/\*.*?\*/|//[^\n]*', lambda m: re.sub(r'[^\n]', ' ', m.group(0)),
                  text, flags=re.S)


def check(path):
    bad = 0
    text = strip_comments(open(path, encoding='utf-8').read())
    for lit in LITERAL.finditer(text):
        body = lit.group(1)
        line = text.count('\n', 0, lit.start()) + 1
        for conv in ANY.finditer(body):
            if not ALLOWED.fullmatch(conv.group(0)):
                print(f'{path}:{line}: "{conv.group(0)}" is not a conversion cg_fmt supports')
                bad += 1
    return bad


def main():
    bad = sum(check(p) for p in sys.argv[1:])
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
