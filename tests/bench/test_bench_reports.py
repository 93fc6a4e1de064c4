"""Benchmark: the 施工图 of a 500-household village, and of every village of the county.

Not part of `make test`; run with `make bench`. The floor is bare reportlab: one plain Table of
the same rows, the same font and type size, plain strings (no paragraphs, nested tables, page
furniture or tiling)."""

import os
import time

from reportlab.lib.pagesizes import A3, landscape
from reportlab.platypus import SimpleDocTemplate, Table

from reports import labels as L
from reports.batch import county_reports
from reports.collect import village_report_data
from reports.common import listed_households
from reports.fonts import FAMILY, register_fonts
from reports.pages import Layout
from reports.plan import EMS, MAX_BASE, render_plan
from storage.db import open_store
from storage.register import list_villages

from .conftest import report

YEAR = 2017
PLAN_TARGET_S = 3.0
COUNTY_TARGET_S = 180.0
# Past this the county run stops and the rest is extrapolated (and the line says so).
COUNTY_BUDGET_S = float(os.environ.get("FUPIN_BENCH_REPORT_BUDGET", "300"))


def _bare_reportlab(data, out) -> float:
    """One plain reportlab Table row per household: the same cells as text, the same font."""
    register_fonts()
    base = min(Layout.of("A3", True).width / EMS, MAX_BASE)  # the chart's type size
    start = time.perf_counter()
    rows = [
        [
            "序号",
            "户主",
            "人口",
            "致贫原因",
            "计划脱贫年度",
            "帮扶责任人",
            *L.SHORT_TITLES.values(),
            "帮扶措施",
        ]
    ]
    for i, h in enumerate(listed_households(data), 1):
        measures = "；".join(m.description for m in data.measures_of(h.household_no))[:30]
        rows.append(
            [
                str(i),
                h.head_name,
                str(h.people),
                h.main_cause,
                str(h.planned_exit_year or ""),
                h.cadre_name,
                *(L.MARKS[h.status_of(n)] for n in range(1, 13)),
                measures,
            ]
        )
    table = Table(
        rows,
        repeatRows=1,
        style=[
            ("FONTNAME", (0, 0), (-1, -1), FAMILY),
            ("FONTSIZE", (0, 0), (-1, -1), base),
            ("LEADING", (0, 0), (-1, -1), base * 1.25),
            ("GRID", (0, 0), (-1, -1), 0.5, "#444444"),
        ],
    )
    SimpleDocTemplate(str(out), pagesize=landscape(A3)).build([table])
    return time.perf_counter() - start


def test_plan_of_a_500_household_village(county_db, tmp_path):
    store = open_store(county_db)
    village = list_villages(store)[0]
    start = time.perf_counter()
    data = village_report_data(store, village["code"], YEAR)
    collected = time.perf_counter() - start
    render_plan(data, tmp_path / "plan.pdf")
    total = time.perf_counter() - start
    store.close()
    rendered = total - collected
    assert len(data.households) == 500
    floor = _bare_reportlab(data, tmp_path / "floor.pdf")
    rows = len(listed_households(data))
    report(
        f"plan, one village of 500 households ({rows} on the chart): collect + render",
        total,
        floor,
        f"bare reportlab Table, {rows} rows, same font",
    )
    report("  of which collect (storage + 12 + 17 criteria)", collected)
    report("  of which render alone", rendered, floor, "bare reportlab")
    assert total < PLAN_TARGET_S


def test_plan_of_every_village_of_the_county(county_db, tmp_path):
    store = open_store(county_db)
    total = len(list_villages(store))
    start = time.perf_counter()
    written = county_reports(
        store,
        YEAR,
        "plan",
        tmp_path,
        cancelled=lambda: time.perf_counter() - start > COUNTY_BUDGET_S,
    )
    elapsed = time.perf_counter() - start
    store.close()
    assert written and all(p.stat().st_size > 0 for p in written)
    if len(written) == total:
        report(f"plan for every village of the county ({total} villages, one process)", elapsed)
        assert elapsed < COUNTY_TARGET_S
    else:
        report(
            f"plan for every village of the county ({total} villages), EXTRAPOLATED from "
            f"the first {len(written)} ({elapsed:.1f} s; budget {COUNTY_BUDGET_S:.0f} s)",
            elapsed / len(written) * total,
        )
