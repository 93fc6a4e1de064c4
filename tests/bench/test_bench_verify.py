"""Benchmarks: the tamper-evident history on the demo county, each beside its floor.

- `verify` of the county (every change-log row rehashed, every record digested and compared)
  ↔ a plain read of the change log and of every record table;
- one household edit through the write path (stamped, logged, its record digested, chained)
  ↔ the same UPDATE and log INSERT in plain SQL."""

import shutil
import sqlite3
import statistics
import time

from storage import register as R
from storage.db import open_store
from storage.schema import TABLES
from storage.verify import verify

from .conftest import report


def _floor_read(path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    for _ in conn.execute("select * from change_log"):
        pass
    for table in TABLES.values():
        for _ in conn.execute(f"select * from [{table}]"):
            pass
    conn.close()
    return time.perf_counter() - start


def test_verify_the_county(county_db):
    store = open_store(county_db, operator="县扶贫办")
    try:
        start = time.perf_counter()
        result = verify(store)
        took = time.perf_counter() - start
    finally:
        store.close()
    assert result.ok, result.findings[:5]
    floor = _floor_read(county_db)
    report(f"verify the county ({result.log_rows} log rows, {result.records} records)", took,
           floor, "plain read of the log and every record table")  # fmt: skip
    print(f"BENCH   ratio {took / floor:.1f}x")


def test_one_edit_through_the_chained_write_path(county_db, tmp_path):
    path = tmp_path / "county.db"
    shutil.copy(county_db, path)
    store = open_store(path, operator="县扶贫办")
    hid = store.find("households", limit=1)[0]["id"]
    times = []
    for n in range(30):
        start = time.perf_counter()
        R.update_record(store, "household", hid, {"housing_area_m2": 50 + n})
        times.append(time.perf_counter() - start)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    floors = []
    for n in range(30):
        start = time.perf_counter()
        with conn:
            conn.execute("update households set housing_area_m2 = ?, hlc = ? where id = ?",
                         [90 + n, f"x{n}", hid])  # fmt: skip
            conn.execute("insert into change_log (hlc, table_name, record_id, op, field, new) "
                         "values (?, 'households', ?, 'update', 'housing_area_m2', ?)",
                         [f"x{n}", hid, str(90 + n)])  # fmt: skip
        floors.append(time.perf_counter() - start)
    conn.close()
    took, floor = statistics.median(times), statistics.median(floors)
    report("one household edit on the county (median of 30)", took, floor,
           "plain UPDATE + log INSERT, one transaction")  # fmt: skip
    print(f"BENCH   ratio {took / floor:.1f}x")
