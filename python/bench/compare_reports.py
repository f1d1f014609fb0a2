"""Compares two report outputs (folders written by the report job) dataset by dataset.

    python compare_reports.py BEFORE AFTER

For each dataset folder: the Parquet schema (names and types), the rows in file order (files by part number)
and the rows as a multiset; then report.html and _source.json byte for byte (a summary.txt beside them too,
when both have one; --ignore-port: an emulator's 127.0.0.1 port, which changes from run to run, is not a
difference). Exits 1 on any difference. Needs duckdb (the bench's venv: target/bench-duckdb).
"""

import os
import re
import sys
from typing import Any

import duckdb  # type: ignore[import-not-found]  # the bench's venv has it, the tests' does not

args = [a for a in sys.argv[1:] if a != "--ignore-port"]
ignore_port = "--ignore-port" in sys.argv
before, after = args[0:2]
con = duckdb.connect()
con.execute("SET TimeZone='UTC'")
failed = False


def parts(folder: str) -> list[str]:
    files = [f for f in os.listdir(folder) if f.endswith(".parquet")]
    return sorted(files, key=lambda f: int(f[len("part-") :].split("-")[0]))


def rows(folder: str) -> list[Any]:
    out: list[Any] = []
    for f in parts(folder):
        out += con.execute(f"SELECT * FROM read_parquet('{folder}/{f}')").fetchall()
    return out


def schema(folder: str) -> list[Any]:
    f = parts(folder)
    if not f:
        return []
    cols = con.execute(
        f"SELECT name, type, converted_type, repetition_type, precision, scale FROM parquet_schema('{folder}/{f[0]}')"
    ).fetchall()
    kv = con.execute(f"SELECT key::varchar, value::varchar FROM parquet_kv_metadata('{folder}/{f[0]}')").fetchall()
    return list(cols) + sorted(kv)  # Spark's schema (names, types, nullability) is in the key-value metadata


for d in sorted(os.listdir(before)):
    a, b = os.path.join(before, d), os.path.join(after, d)
    if not os.path.isdir(a):
        continue
    if not os.path.isdir(b):
        print(f"{d}: missing after")
        failed = True
        continue
    ra, rb = rows(a), rows(b)
    same_schema = schema(a) == schema(b)
    in_order = ra == rb
    as_set = sorted(map(repr, ra)) == sorted(map(repr, rb))
    print(
        f"{d}: {len(ra)} rows, {len(parts(a))}/{len(parts(b))} files; schema {'same' if same_schema else 'DIFFERENT'};"
        f" rows in file order {'same' if in_order else 'differ'}; as a multiset {'same' if as_set else 'DIFFERENT'}"
    )
    if not (same_schema and as_set):
        failed = True
        for x in sorted(set(map(repr, ra)) ^ set(map(repr, rb)))[:5]:
            print("   ", x)


def text(path: str) -> bytes:
    with open(path, "rb") as fh:
        t = fh.read()
    return re.sub(rb"127\.0\.0\.1:\d+", b"127.0.0.1:PORT", t) if ignore_port else t


for f in ("report.html", "_source.json", "summary.txt"):
    a, b = os.path.join(before, f), os.path.join(after, f)
    if os.path.exists(a) or os.path.exists(b):
        same = os.path.exists(a) and os.path.exists(b) and text(a) == text(b)
        print(f"{f}: {'byte-identical' if same else 'DIFFERENT'}")
        failed |= not same
sys.exit(1 if failed else 0)
