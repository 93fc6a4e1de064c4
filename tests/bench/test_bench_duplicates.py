"""Benchmark: find_duplicates on the county file (150 villages × 500 households, 265,000
members), as made and with 500 ID numbers copied onto members of other households. Not part of `make test`;
run with `make bench`."""

import random
import shutil
import time

from storage.db import open_store
from storage.duplicates import find_duplicates

from .conftest import report

PAIRS = 500


def test_find_duplicates_on_the_county(county_db, tmp_path):
    path = tmp_path / "county.db"
    shutil.copy(county_db, path)  # opening upgrades the file: not the cached one
    store = open_store(path, operator="计时")
    try:
        t = time.perf_counter()
        before = len(find_duplicates(store))  # 0 from today's demo; files of older demos had some
        clean_s = time.perf_counter() - t
        rows = store.db.execute("select id, id_number from members order by id").fetchall()
        picks = random.Random(1).sample(rows, 2 * PAIRS)
        with store.atomic():  # plain SQL on a copy: a benchmark's data, not an edit
            store.db.conn.executemany(
                "update members set id_number = ? where id = ?",
                [(a[1], b[0]) for a, b in zip(picks[::2], picks[1::2])],
            )
        times = []
        for _ in range(3):
            t = time.perf_counter()
            found = find_duplicates(store)
            times.append(time.perf_counter() - t)
        assert len(found) > before
        village = found[0].members[0].village_id
        t = time.perf_counter()
        assert find_duplicates(store, {village})
        one_s = time.perf_counter() - t
    finally:
        store.close()
    report(f"find_duplicates, county, as made ({before} found)", clean_s)
    report(f"find_duplicates, county, {PAIRS} pairs (best of 3)", min(times))
    report("find_duplicates, county, one village", one_s)
    assert min(times) < 1.0
