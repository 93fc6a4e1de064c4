"""Benchmark: closing a year for the whole demo county (年度数据封存), beside its floor — the
same rows read with one plain query each, and one insert per household of a record of the same
size, in one transaction."""

import shutil
import sqlite3
import time

from storage import operations as ops
from storage.db import open_store

from .conftest import report

YEAR = 2017  # the demo closes 2015 and 2016; 2017 is open


def _floor(path, sizes: list[int]) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    for table in ("households", "members", "finances", "status_history"):
        conn.execute(f"select * from {table} where deleted = 0").fetchall()
    conn.execute("create table floor_frozen (id integer primary key, inputs text)")
    with conn:
        conn.executemany(
            "insert into floor_frozen (inputs) values (?)", (("x" * n,) for n in sizes)
        )
    conn.close()
    return time.perf_counter() - start


def test_close_a_year_for_the_county(county_db, tmp_path):
    path = tmp_path / "county.db"
    shutil.copy(county_db, path)
    store = open_store(path, operator="县扶贫办")
    start = time.perf_counter()
    counts, _ = ops.close_year(store, YEAR)
    took = time.perf_counter() - start
    sizes = [
        len(r[0])
        for r in store.db.execute("select inputs from frozen_years where year = ?", [YEAR])
    ]
    store.close()
    assert counts["households"] == len(sizes) >= 75_000 * 0.99
    floor_path = tmp_path / "floor.db"
    shutil.copy(county_db, floor_path)
    floor = _floor(floor_path, sizes)
    report(
        f"close {YEAR} for {counts['villages']} villages, {counts['households']} households",
        took,
        floor,
        "plain reads of the same rows + one insert per household",
    )
    print(f"BENCH   ratio {took / floor:.1f}x; frozen {sum(sizes) / len(sizes):.0f} bytes each")
