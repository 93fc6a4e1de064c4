"""Benchmark: evaluate every household of the demo county (the 12 criteria), vs plain SQLite."""

import sqlite3
import subprocess
import sys
import time

from forms.criteria.batch import evaluate_households
from forms.criteria.village import evaluate_village
from storage import snapshots
from storage.db import open_store
from storage.register import list_villages

from .conftest import ROOT, report


def _floor(path) -> float:
    """Plain SQLite: read every household, member and finance row (no evaluation)."""
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    for table in ("households", "members", "finances"):
        conn.execute(f"select * from {table} where deleted = 0").fetchall()
    conn.close()
    return time.perf_counter() - start


def test_check_every_household_of_the_county(county_db):
    floor = _floor(county_db)
    store = open_store(county_db)
    start = time.perf_counter()
    snaps = snapshots.household_snapshots(store, 2017)
    loaded = time.perf_counter() - start
    results = evaluate_households(snaps)
    total = time.perf_counter() - start
    assert len(results) == len(snaps) >= 75_000 * 0.99
    report(
        f"load + evaluate {len(results)} households (12 criteria)",
        total,
        floor,
        "plain SQLite read of the same rows",
    )
    report("  of which loading snapshots", loaded)
    start = time.perf_counter()
    villages = list_villages(store)
    one = snapshots.village_snapshot(store, villages[0], 2017)
    evaluate_village(one)
    evaluate_households(one["households"])
    report("one village of 500 households, 12 + 17 criteria", time.perf_counter() - start)
    store.close()


def _cli(*args) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return time.perf_counter() - start


def test_cli_check_village_on_the_county_file(county_db):
    floor = _cli("--help")
    report(
        "CLI check --village (one village of the county file: 500 households + 17, JSON)",
        _cli("check", county_db, "--village", "621102100200", "--year", 2017, "--format", "json"),
        floor,
        "python main.py --help",
    )


def test_cli_check_county_end_to_end(county_db):
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "check",
            str(county_db),
            "--county",
            "--year",
            "2017",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    report(
        "CLI check --county (process start, 75,000 households + 150 villages + county, JSON out)",
        elapsed,
    )
