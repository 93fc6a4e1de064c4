"""Benchmarks: the procedures on the demo county, each beside its floor in the same run.

- the year's in/out list and plan vs actual of the whole county (the county page, `movements`)
  ↔ the same rows read with one plain query each;
- a village's households by step (the 动态管理 page) ↔ a plain read of its steps;
- one 12项核查 recorded (the household's 12 criteria read and frozen) ↔ one plain insert."""

import shutil
import sqlite3
import time
from datetime import date

from storage import operations as ops
from storage import procedures as PR
from storage.db import open_store

from .conftest import report

YEAR = 2017


def _floor_county(path) -> float:
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    for sql in (
        "select * from households where deleted = 0",
        "select * from status_history where deleted = 0",
        "select household_id, relation, name, joined_date, left_date, birth_date from members "
        "where deleted = 0",
        "select * from exit_plans where deleted = 0",
    ):
        conn.execute(sql).fetchall()
    conn.close()
    return time.perf_counter() - start


def test_movements_and_plan_vs_actual_of_the_county(county_db):
    store = open_store(county_db, operator="县扶贫办")
    try:
        start = time.perf_counter()
        moved = PR.movements(store, YEAR)
        plans = PR.plan_vs_actual(store, YEAR, moved=moved)
        took = time.perf_counter() - start
    finally:
        store.close()
    assert len(plans) >= 150 and moved["新识别"]
    floor = _floor_county(county_db)
    report(
        f"in/out list and plan vs actual {YEAR}, {len(plans)} villages",
        took,
        floor,
        "plain reads of households, history, members, plans",
    )
    print(f"BENCH   ratio {took / floor:.1f}x")


def test_a_villages_households_by_step(county_db):
    store = open_store(county_db, operator="县扶贫办")
    try:
        village = store.find("villages", order_by="code")[0]
        start = time.perf_counter()
        standings = PR.village_standings(store, village["id"])
        [s.procedure.label() for s in standings]
        took = time.perf_counter() - start
    finally:
        store.close()
    conn = sqlite3.connect(county_db)
    start = time.perf_counter()
    conn.execute("select * from households where village_id = ?", [village["id"]]).fetchall()
    conn.execute(
        "select * from procedure_steps where household_id in "
        "(select id from households where village_id = ?)",
        [village["id"]],
    ).fetchall()
    floor = time.perf_counter() - start
    conn.close()
    report(
        f"households by step, one village ({len(standings)} with a procedure)",
        took,
        floor,
        "plain reads of its households and steps",
    )
    print(f"BENCH   ratio {took / floor:.1f}x")


def test_one_check_recorded_in_the_county_file(county_db, tmp_path):
    path = tmp_path / "county.db"
    shutil.copy(county_db, path)
    store = open_store(path, operator="县扶贫办")
    try:
        hid = store.db.execute(
            "select id from households where status = '未脱贫' and id not in "
            "(select household_id from procedure_steps) limit 1"
        ).fetchone()[0]
        start = time.perf_counter()
        ops.record_procedure_step(
            store, [hid], "12项核查", date(2017, 10, 9), reason="基准测试", today=date(2017, 12, 1)
        )
        took = time.perf_counter() - start
    finally:
        store.close()
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    with conn:
        conn.execute(
            "insert into procedure_steps (id, household_id, step, date, created_at, updated_at, "
            "hlc) values ('floor', ?, '12项核查', '2017-10-09', '', '', '')",
            [hid],
        )
    floor = time.perf_counter() - start
    conn.close()
    report("one 12项核查 recorded (criteria read and frozen)", took, floor, "one plain insert")
    print(f"BENCH   ratio {took / floor:.1f}x")
