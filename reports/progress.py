"""进度表: measures planned/done by month, completion by criterion and household, status changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.platypus import KeepTogether, Spacer

from forms.criteria.result import MET, NA, STATUSES, UNKNOWN, UNMET

from . import labels as L
from .common import (
    active,
    empty_note,
    furniture,
    is_done,
    is_level_village,
    listed_households,
    section,
    title_block,
    village_name,
)
from .fonts import FAMILY
from .model import VillageReportData
from .pages import render_story
from .styles import GRID, HEAD_BG, TOTAL_BG, Styles, grid_table

EMS = 80.0
MAX_BASE = 20.0
BAR_MET = colors.HexColor("#2f6f4f")
BAR_UNMET = colors.HexColor("#e08a7e")


def build_progress_story(
    data: VillageReportData,
    styles: Styles,
    since: dt.date | None = None,
    as_of: dt.date | None = None,
) -> list:
    """`since`: list households whose status changed on or after it (default 1 January of the
    year); `as_of`: the date the table is made (default the posting date)."""
    year = data.year
    since = since or (dt.date(year, 1, 1) if year else None)
    as_of = as_of or data.posting_date
    measures = active(data.measures)
    done = sum(map(is_done, measures))
    sub = f"统计截至{L.date_long(as_of)}" if as_of else ""
    story = title_block(styles, f"{village_name(data)}{year or ''}年精准扶贫进度表", sub)
    story.append(
        styles.p(
            f"本村共有帮扶措施{len(measures)}项（不含已取消），已完成{done}项，完成率"
            f"{L.percent(done, len(measures))}；其中村级{sum(map(is_level_village, measures))}项，"
            f"户级{sum(not is_level_village(m) for m in measures)}项。",
            styles.body,
        )
    )
    story += section(styles, "一、帮扶措施按月进度（项）")
    if measures:
        story.append(_by_month(measures, year, styles))
    else:
        story.append(empty_note(styles, "本年度暂无帮扶措施"))
    households = listed_households(data)
    story += section(styles, "二、十二项脱贫指标达标情况（户）")
    if households:
        story.append(KeepTogether([_chart(data, households, styles), Spacer(1, styles.base * 0.5)]))
        story.append(_by_criterion(data, households, styles))
    else:
        story.append(empty_note(styles, "本村暂无贫困户"))
    story += section(styles, "三、各户帮扶措施完成情况")
    story.append(_by_household(data, households, styles))
    changes = [
        c
        for c in data.status_changes
        if since is None or (isinstance(c.date, dt.date) and c.date >= since)
    ]
    head = (
        f"四、{L.date_long(since)}以来户状态变化（{len(changes)}户次）"
        if since
        else f"四、户状态变化（{len(changes)}户次）"
    )
    story += section(styles, head)
    story.append(_changes(changes, styles) if changes else empty_note(styles, "期间无户状态变化"))
    return story


def render_progress(
    data: VillageReportData,
    out_path,
    paper: str = "A3",
    landscape: bool = True,
    *,
    since: dt.date | None = None,
    as_of: dt.date | None = None,
    base_size: float | None = None,
) -> Path:
    title = f"{village_name(data)}精准扶贫进度表"
    return render_story(
        out_path,
        lambda s: build_progress_story(data, s, since, as_of),
        furniture(data, title),
        paper=paper,
        landscape=landscape,
        ems=EMS,
        base_size=base_size,
        max_base=MAX_BASE,
    )


def _month(value, year) -> int | None:
    """1..12 when the date falls in the year, else None (counted under 其他)."""
    return value.month if isinstance(value, dt.date) and value.year == year else None


def _by_month(measures, year, styles: Styles):
    p = styles.p
    planned, finished = [0] * 13, [0] * 13  # index 0 = 其他 (no date / other year)
    for m in measures:
        planned[_month(m.planned_date, year) or 0] += 1
        if is_done(m):
            finished[_month(m.done_date, year) or 0] += 1
    head = (
        [p("项目", styles.head)]
        + [p(f"{n}月", styles.head) for n in range(1, 13)]
        + [p("其他日期", styles.head), p("全年", styles.head)]
    )
    cum_p = cum_d = 0
    rows = [
        head,
        [p("计划完成")],
        [p("实际完成")],
        [p("累计计划")],
        [p("累计完成")],
        [p("累计完成率")],
    ]
    for n in range(1, 13):
        cum_p += planned[n]
        cum_d += finished[n]
        for r, v in zip(rows[1:], (planned[n], finished[n], cum_p, cum_d, L.percent(cum_d, cum_p))):
            r.append(p(str(v), styles.cell_center))
    for r, v, total in zip(
        rows[1:],
        (planned[0], finished[0], "", "", ""),
        (sum(planned), sum(finished), "", "", L.percent(sum(finished), sum(planned))),
    ):
        r += [p(str(v), styles.cell_center), p(str(total), styles.cell_center)]
    widths = [styles.em(7)] + [(styles.width - styles.em(7)) / 14] * 14
    return grid_table(
        rows,
        widths,
        styles,
        extra=[
            ("BACKGROUND", (0, 1), (0, -1), HEAD_BG),
            ("BACKGROUND", (-1, 1), (-1, -1), TOTAL_BG),
        ],
    )


def _criterion_counts(households):
    counts = {n: dict.fromkeys(STATUSES, 0) for n in range(1, 13)}
    for h in households:
        for n in range(1, 13):
            counts[n][h.status_of(n)] += 1
    return counts


def _chart(data, households, styles: Styles) -> Drawing:
    """Households meeting / not meeting each criterion, as bars (reportlab.graphics only)."""
    em = styles.em
    counts = _criterion_counts(households)
    w, h = styles.width, em(15)
    d = Drawing(w, h, initialFontName=FAMILY)  # else the renderer names Helvetica
    bc = VerticalBarChart()
    bc.x, bc.y, bc.width, bc.height = em(3.5), em(2.2), w - em(16), h - em(3.5)
    bc.data = [[counts[n][MET] for n in range(1, 13)], [counts[n][UNMET] for n in range(1, 13)]]
    bc.categoryAxis.categoryNames = [L.SHORT_TITLES[n] for n in range(1, 13)]
    for axis in (bc.categoryAxis.labels, bc.valueAxis.labels):
        axis.fontName, axis.fontSize = FAMILY, styles.base * 0.9
    bc.categoryAxis.labels.dy = -styles.base * 0.3
    total = len(households)
    step = max(1, round(total / 5 / 5) * 5) if total > 10 else 1
    bc.valueAxis.valueMin, bc.valueAxis.valueMax, bc.valueAxis.valueStep = 0, total, step
    bc.valueAxis.visibleGrid = True
    bc.valueAxis.gridStrokeColor = colors.HexColor("#cccccc")
    bc.bars[0].fillColor, bc.bars[1].fillColor = BAR_MET, BAR_UNMET
    bc.bars.strokeColor = GRID
    bc.barSpacing, bc.groupSpacing = 1, em(0.8)
    bc.barLabelFormat = "%d"
    bc.barLabels.fontName, bc.barLabels.fontSize = FAMILY, styles.base * 0.75
    bc.barLabels.nudge = styles.base * 0.5
    d.add(bc)
    legend = Legend()
    legend.x, legend.y = w - em(11.5), h - em(2)
    legend.fontName, legend.fontSize = FAMILY, styles.base * 0.9
    legend.boxAnchor, legend.columnMaximum = "nw", 4
    legend.dx = legend.dy = styles.base * 0.8
    legend.colorNamePairs = [(BAR_MET, "达标户数"), (BAR_UNMET, "未达标户数")]
    d.add(legend)
    d.add(
        String(
            w - em(11.5), h - em(6), f"共 {total} 户", fontName=FAMILY, fontSize=styles.base * 0.9
        )
    )
    return d


def _by_criterion(data, households, styles: Styles):
    p = styles.p
    counts = _criterion_counts(households)
    hh_nos = {h.household_no for h in households}
    measures = [m for m in active(data.measures) if m.household_no in hh_nos]
    rows = [
        [
            p(x, styles.head)
            for x in (
                "序号",
                "指标",
                *(L.STATUS_WORDS[s] for s in (MET, UNMET, UNKNOWN, NA)),
                "针对措施",
                "已完成",
                "措施完成率",
            )
        ]
    ]
    for n in range(1, 13):
        ms = [m for m in measures if m.criterion_no == n]
        fin = sum(map(is_done, ms))
        c = counts[n]
        rows.append(
            [p(str(n), styles.cell_center), p(L.HOUSEHOLD_CRITERIA[n])]
            + [
                p(str(v), styles.cell_center)
                for v in (c[MET], c[UNMET], c[UNKNOWN], c[NA], len(ms), fin)
            ]
            + [p(L.percent(fin, len(ms)), styles.cell_center)]
        )
    fixed = [2.6, 0, 5, 5, 5.4, 5, 5.4, 5, 6.4]
    widths = [styles.em(x) for x in fixed]
    widths[1] = styles.width - sum(widths)
    return grid_table(rows, widths, styles)


def _bar(fraction: float | None, styles: Styles, width: float) -> Drawing:
    """A small progress bar for a table cell."""
    h = styles.base * 0.8
    d = Drawing(width, h, initialFontName=FAMILY)
    d.add(Rect(0, 0, width, h, fillColor=colors.white, strokeColor=GRID, strokeWidth=0.5))
    if fraction:
        d.add(Rect(0, 0, width * fraction, h, fillColor=BAR_MET, strokeColor=None))
    return d


def _by_household(data, households, styles: Styles):
    p, em = styles.p, styles.em
    fixed = [2.6, 0, 4, 5.4, 4.4, 4.4, 4.4, 4.4, 5.4, 14]
    widths = [em(x) for x in fixed]
    widths[1] = styles.width - sum(widths)
    rows = [
        [
            p(x, styles.head)
            for x in (
                "序号",
                "户主",
                "社",
                "帮扶责任人",
                "措施数",
                "已完成",
                "实施中",
                "计划",
                "完成率",
                "进度",
            )
        ]
    ]
    village = [m for m in active(data.measures) if is_level_village(m)]
    groups = [("村级措施", "", "", village)] if village else []
    groups += [
        (
            h.head_name or h.household_no,
            h.group,
            h.cadre_name,
            active(data.measures_of(h.household_no)),
        )
        for h in households
    ]
    for i, (name, group, cadre, ms) in enumerate(groups, 1):
        fin = sum(map(is_done, ms))
        doing = sum(m.status == "实施中" for m in ms)
        rows.append(
            [
                p(str(i), styles.cell_center),
                p(name),
                p(L.text(group), styles.cell_center),
                p(L.text(cadre), styles.cell_center),
            ]
            + [p(str(v), styles.cell_center) for v in (len(ms), fin, doing, len(ms) - fin - doing)]
            + [
                p(L.percent(fin, len(ms)), styles.cell_center),
                _bar(fin / len(ms) if ms else None, styles, widths[-1] - em(0.6)),
            ]
        )
    if len(rows) == 1:
        rows.append([p("本村暂无贫困户和帮扶措施", styles.cell_center)] + [""] * 9)
        return grid_table(rows, widths, styles, extra=[("SPAN", (0, 1), (-1, 1))])
    return grid_table(rows, widths, styles)


def _changes(changes, styles: Styles):
    p = styles.p
    rows = [[p(x, styles.head) for x in ("序号", "户主", "户编号", "新状态", "变更日期", "原因")]]
    for i, c in enumerate(sorted(changes, key=lambda c: str(c.date)), 1):
        rows.append(
            [
                p(str(i), styles.cell_center),
                p(c.head_name),
                p(c.household_no),
                p(c.status, styles.cell_center),
                p(L.date_short(c.date), styles.cell_center),
                p(L.clip(c.reason, 200)),
            ]
        )
    fixed = [2.6, 6, 11, 5, 7, 0]
    widths = [styles.em(x) for x in fixed]
    widths[-1] = styles.width - sum(widths)
    return grid_table(rows, widths, styles)
