"""Benchmark: export-json of the county file (150 villages × 500 households), beside its floor.

Not part of `make test`; run with `make bench`. The floor is a plain SQLite read of every row
the export reads, in the same run."""

import sqlite3
import subprocess
import sys
import time

from .conftest import ROOT

TABLES = ("villages", "groups", "cadres", "households", "members", "finances", "status_history",
          "visits", "measures", "village_facts", "policy_values")  # fmt: skip


def test_export_json_of_the_county(county_db, tmp_path):
    t = time.perf_counter()
    conn = sqlite3.connect(f"file:{county_db}?mode=ro", uri=True)
    rows = sum(len(conn.execute(f"select * from [{t}]").fetchall()) for t in TABLES)
    conn.close()
    floor_s = time.perf_counter() - t
    out = tmp_path / "county.json"
    t = time.perf_counter()
    run = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "export-json", str(county_db), str(out)],
        capture_output=True,
        text=True,
    )
    export_s = time.perf_counter() - t
    assert run.returncode == 0, run.stderr
    print(f"\n== export-json of {county_db.name} ==")
    print(f"export-json, whole process:                {export_s:8.1f} s "
          f"({out.stat().st_size / 1e6:.0f} MB)")  # fmt: skip
    print(f"floor, plain SQLite read of {rows} rows: {floor_s:8.1f} s")
    print(f"ratio:                                     {export_s / floor_s:8.1f}×")
