#!/usr/bin/env python3
"""Measures the code's shape: production lines per directory, the
functions of a limit's length or more, and the production files over a
limit of lines.

Usage: scripts/shape.py [--limit N] [--file-limit N] [--tests] [DIR ...]   (default: src)

- A function is counted from its `fn` line to its closing brace, as
  rustfmt lays it out (the closing brace at the `fn` line's indentation);
  doc comments and attributes above it are not counted.
- Production code is everything outside `#[cfg(test)]` modules and files
  named `*test*.rs`; `--tests` counts functions in tests too.
- Exit status 1 when a function reaches the limit (default 80 lines) or a
  file's production lines pass the file limit (default 700), so the script
  can guard a build.
"""
import os
import re
import sys

FN = re.compile(r"^(\s*)(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")
TEST_MOD = re.compile(r"^(\s*)(pub(\([^)]*\))?\s+)?mod\s+\w+\s*\{")


def production_mask(lines):
    """True for each line outside `#[cfg(test)] mod … { … }`."""
    mask = [True] * len(lines)
    i = 0
    while i < len(lines):
        if lines[i].strip() == "#[cfg(test)]" and i + 1 < len(lines):
            m = TEST_MOD.match(lines[i + 1])
            if m:
                close = m.group(1) + "}"
                j = i + 2
                while j < len(lines) and lines[j].rstrip() != close:
                    j += 1
                for k in range(i, min(j + 1, len(lines))):
                    mask[k] = False
                i = j
        i += 1
    return mask


def functions(lines):
    """(name, first line number, length) of each function with a body."""
    out = []
    for i, line in enumerate(lines):
        m = FN.match(line)
        if not m:
            continue
        indent = m.group(1)
        # A declaration without a body (trait item) ends with `;` before `{`.
        j = i
        while j < len(lines) and "{" not in lines[j] and not lines[j].rstrip().endswith(";"):
            j += 1
        if j >= len(lines) or "{" not in lines[j]:
            continue
        if lines[j].rstrip().endswith("}") and j == i:
            out.append((m.group(7), i + 1, 1))
            continue
        close = indent + "}"
        k = j + 1
        while k < len(lines) and lines[k].rstrip() != close:
            k += 1
        out.append((m.group(7), i + 1, k - i + 1))
    return out


def main(argv):
    limit, file_limit, tests, dirs = 80, 700, False, []
    args = iter(argv)
    for a in args:
        if a == "--limit":
            limit = int(next(args))
        elif a == "--file-limit":
            file_limit = int(next(args))
        elif a == "--tests":
            tests = True
        else:
            dirs.append(a)
    dirs = dirs or ["src"]
    per_dir, long_fns, long_files = {}, [], []
    for root in dirs:
        for base, _, files in sorted(os.walk(root)):
            for f in sorted(files):
                if not f.endswith(".rs"):
                    continue
                path = os.path.join(base, f)
                with open(path, encoding="utf-8") as fh:
                    lines = fh.read().split("\n")
                test_file = "test" in f
                mask = production_mask(lines)
                prod = 0 if test_file else sum(mask) - (1 if lines[-1] == "" else 0)
                per_dir[base] = per_dir.get(base, 0) + prod
                if prod > file_limit:
                    long_files.append((prod, path))
                for name, start, length in functions(lines):
                    in_tests = test_file or not mask[start - 1]
                    if length >= limit and (tests or not in_tests):
                        long_fns.append((length, f"{path}:{start}", name))
    print("production lines per directory:")
    for d in sorted(per_dir):
        print(f"  {per_dir[d]:6}  {d}")
    print(f"functions of {limit} lines or more{' (tests included)' if tests else ''}: {len(long_fns)}")
    for length, where, name in sorted(long_fns, reverse=True):
        print(f"  {length:4}  {name}  {where}")
    print(f"production files over {file_limit} lines: {len(long_files)}")
    for prod, path in sorted(long_files, reverse=True):
        print(f"  {prod:4}  {path}")
    return 1 if long_fns or long_files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
