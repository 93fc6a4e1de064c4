"""Benchmarks: Excel ledgers, each beside its floor in the same run.

- importing a 10,000-row member-per-row workbook (read, map, check every row, write) into an
  empty register ↔ an openpyxl read-only load of the same file, every row's values read;
- exporting the same register to the national layout ↔ openpyxl write-only of the same cells."""

import time

import openpyxl

from storage import operations as ops
from storage import register as R
from storage import xlsx_export as E
from storage import xlsx_import as X
from storage.db import open_store

from .conftest import report

ROWS = 10_000


def _workbook(tmp_path):
    source = tmp_path / "source.db"
    ops.write_demo(source, villages=3, households=960, seed=7)
    store = open_store(source)
    try:
        year = R.default_year(store)
        path = tmp_path / "花名册.xlsx"
        out = E.export_xlsx(store, path, year=year)
        villages = store.find("villages")
        cadres = store.find("cadres")
    finally:
        store.close()
    return path, out, year, villages, cadres


def _floor_read(path) -> tuple[float, int]:
    start = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb.active.iter_rows(values_only=True))
    wb.close()
    return time.perf_counter() - start, n


def _floor_write(path, rows: list[tuple]) -> float:
    start = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("x")
    for r in rows:
        ws.append(r)
    wb.save(path)
    return time.perf_counter() - start


def test_import_of_a_10000_row_workbook(tmp_path):
    path, out, year, villages, cadres = _workbook(tmp_path)
    assert out["rows"] >= ROWS
    dest = open_store(tmp_path / "dest.db", create=True, role="county", operator="县扶贫办")
    try:
        for v in villages:
            vid = R.add_village(dest, {k: v[k] for k in ("code", "name", "township", "county")})
            for c in cadres:
                if c["village_id"] == v["id"]:
                    R.add_cadre(dest, {"name": c["name"], "village_id": vid})
        start = time.perf_counter()
        sheets = X.read(path)
        plan = X.plan_import(dest, sheets, X.propose_mapping(sheets), year=year)
        checked = time.perf_counter() - start
        counts, _ = ops.import_xlsx(dest, plan)
        took = time.perf_counter() - start
        assert plan.problems == [] and counts["members_added"] == out["rows"]
        again = time.perf_counter()
        sheets = X.read(path)
        plan = X.plan_import(dest, sheets, X.propose_mapping(sheets), year=year)
        counts, _ = ops.import_xlsx(dest, plan)
        reimport = time.perf_counter() - again
        assert counts["members_added"] == counts["members_changed"] == 0
    finally:
        dest.close()
    floor, n = _floor_read(path)
    assert n == out["rows"] + 3
    report(f"import-xlsx of {out['rows']} rows (check {checked:.2f} s)", took, floor,
           "openpyxl read-only load of every row")  # fmt: skip
    report(f"re-import of the same {out['rows']} rows (nothing changes)", reimport, floor,
           "openpyxl read-only load of every row")  # fmt: skip
    print(f"BENCH   ratio {took / floor:.1f}x, re-import {reimport / floor:.1f}x")


def test_export_of_the_same_register(tmp_path):
    path, out, year, _, _ = _workbook(tmp_path)
    store = open_store(tmp_path / "source.db")
    try:
        start = time.perf_counter()
        E.export_xlsx(store, tmp_path / "again.xlsx", year=year)
        took = time.perf_counter() - start
    finally:
        store.close()
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    wb.close()
    floor = _floor_write(tmp_path / "floor.xlsx", rows)
    report(f"export-xlsx register of {out['rows']} rows", took, floor,
           "openpyxl write-only of the same cells")  # fmt: skip
    print(f"BENCH   ratio {took / floor:.1f}x")
