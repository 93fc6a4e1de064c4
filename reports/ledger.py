"""工作台账: the team's visits, measures and status changes in a date range, texts printed whole."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from . import labels as L
from .common import (
    chunk_rows,
    empty_note,
    furniture,
    head_of,
    is_done,
    section,
    title_block,
    village_name,
)
from .model import VillageReportData
from .pages import render_story
from .styles import Styles, grid_table

EMS = 72.0


def _in(value, start: dt.date | None, end: dt.date | None) -> bool:
    if not isinstance(value, dt.date):
        return False
    return (start is None or value >= start) and (end is None or value <= end)


def build_ledger_story(
    data: VillageReportData,
    styles: Styles,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list:
    """Rows dated start..end inclusive (default: the report year)."""
    if data.year and start is None and end is None:
        start, end = dt.date(data.year, 1, 1), dt.date(data.year, 12, 31)
    visits = sorted((v for v in data.visits if _in(v.date, start, end)), key=lambda v: v.date)
    measures = sorted(
        (
            m
            for m in data.measures
            if _in(m.planned_date, start, end) or _in(m.done_date, start, end)
        ),
        key=lambda m: next(d for d in (m.planned_date, m.done_date) if isinstance(d, dt.date)),
    )
    changes = sorted(
        (c for c in data.status_changes if _in(c.date, start, end)), key=lambda c: c.date
    )
    span = (
        f"{L.date_long(start, dash='')}至{L.date_long(end, dash='')}"
        if start or end
        else "全部记录"
    )
    story = title_block(styles, f"{village_name(data)}精准扶贫工作台账", f"（{span}）")
    story += section(styles, "一、帮扶干部工作汇总")
    story.append(_by_cadre(data, visits, measures, styles))
    story += section(styles, f"二、入户走访记录（{len(visits)}次）")
    story.append(_visits(data, visits, styles) if visits else empty_note(styles, "期间无走访记录"))
    story += section(styles, f"三、帮扶措施台账（{len(measures)}项）")
    story.append(
        _measures(data, measures, styles)
        if measures
        else empty_note(styles, "期间无到期或完成的帮扶措施")
    )
    story += section(styles, f"四、户状态变更记录（{len(changes)}次）")
    story.append(_changes(changes, styles) if changes else empty_note(styles, "期间无户状态变更"))
    return story


def render_ledger(
    data: VillageReportData,
    out_path,
    start: dt.date | None = None,
    end: dt.date | None = None,
    paper: str = "A4",
    landscape: bool = True,
    *,
    base_size: float | None = None,
) -> Path:
    title = f"{village_name(data)}精准扶贫工作台账"
    return render_story(
        out_path,
        lambda s: build_ledger_story(data, s, start, end),
        furniture(data, title),
        paper=paper,
        landscape=landscape,
        ems=EMS,
        base_size=base_size,
    )


def _widths(styles: Styles, fixed, flex_col: int):
    widths = [styles.em(x) for x in fixed]
    widths[flex_col] = styles.width - sum(widths)
    return widths


def _by_cadre(data, visits, measures, styles: Styles):
    p = styles.p
    names = [c.name for c in data.team]
    names += sorted(
        ({v.cadre_name for v in visits} | {m.cadre_name for m in measures}) - set(names) - {""}
    )
    visit_n = Counter(v.cadre_name for v in visits)
    rows = [
        [
            p(x, styles.head)
            for x in ("帮扶干部", "职务", "走访次数", "走访户数", "负责措施", "已完成", "结对户数")
        ]
    ]
    roles = {c.name: c.role for c in data.team}
    for n in names:
        ms = [m for m in measures if m.cadre_name == n]
        rows.append(
            [p(n), p(L.text(roles.get(n)), styles.cell_center)]
            + [
                p(str(x), styles.cell_center)
                for x in (
                    visit_n[n],
                    len({v.household_no for v in visits if v.cadre_name == n}),
                    len(ms),
                    sum(map(is_done, ms)),
                    sum(h.cadre_name == n for h in data.households),
                )
            ]
        )
    if len(rows) == 1:
        rows.append([p("（未录入帮扶干部）")] + [""] * 6)
    return grid_table(rows, [styles.em(x) for x in (9, 6, 6, 6, 6, 6, 6)], styles)


def _visits(data, visits, styles: Styles):
    p = styles.p
    rows = [
        [
            p(x, styles.head)
            for x in ("序号", "日期", "户主", "走访干部", "走访目的", "走访发现", "备注")
        ]
    ]
    widths = [styles.em(x) for x in (2.6, 6.6, 5.6, 5.2, 10, 0, 0)]
    rest = styles.width - sum(widths)
    widths[5], widths[6] = rest * 0.55, rest * 0.45
    for i, v in enumerate(visits, 1):
        h = data.household(v.household_no)
        head = v.head_name or (h.head_name if h else v.household_no)
        row = [
            p(str(i), styles.cell_center),
            p(L.date_short(v.date), styles.cell_center),
            p(L.text(head), styles.cell_center),
            p(L.text(v.cadre_name), styles.cell_center),
            p(L.text(v.purpose)),
            "",
            "",
        ]
        # a 2,000-character note is printed whole, over as many （续） rows as it needs
        rows += chunk_rows(
            styles,
            row,
            {
                4: (L.text(v.purpose), widths[4]),
                5: (L.text(v.findings), widths[5]),
                6: (v.note or "", widths[6]),
            },
        )
    return grid_table(rows, widths, styles, zebra=False)


def _measures(data, measures, styles: Styles):
    p = styles.p
    rows = [
        [
            p(x, styles.head)
            for x in (
                "序号",
                "户主",
                "类别",
                "措施内容",
                "资金（元）",
                "责任人",
                "计划完成",
                "进度",
                "完成日期",
            )
        ]
    ]
    widths = _widths(styles, (2.6, 5.6, 5, 0, 7.4, 5, 6.6, 4, 6.6), 3)
    for i, m in enumerate(measures, 1):
        rows += chunk_rows(
            styles,
            [
                p(str(i), styles.cell_center),
                p(head_of(data, m), styles.cell_center),
                p(L.text(m.category), styles.cell_center),
                "",
                p(L.money(m.money), styles.cell_right),
                p(L.text(m.cadre_name), styles.cell_center),
                p(L.date_short(m.planned_date), styles.cell_center),
                p(L.text(m.status), styles.cell_center),
                p(L.date_short(m.done_date), styles.cell_center),
            ],
            {3: (L.text(m.description), widths[3])},
        )
    return grid_table(rows, widths, styles, zebra=False)


def _changes(changes, styles: Styles):
    p = styles.p
    rows = [[p(x, styles.head) for x in ("序号", "日期", "户主", "户编号", "新状态", "原因")]]
    widths = _widths(styles, (2.6, 6.6, 5.6, 11, 5, 0), 5)
    for i, c in enumerate(changes, 1):
        rows += chunk_rows(
            styles,
            [
                p(str(i), styles.cell_center),
                p(L.date_short(c.date), styles.cell_center),
                p(L.text(c.head_name), styles.cell_center),
                p(L.text(c.household_no)),
                p(L.text(c.status), styles.cell_center),
                "",
            ],
            {5: (L.text(c.reason), widths[5])},
        )
    return grid_table(rows, widths, styles, zebra=False)
