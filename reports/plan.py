"""施工图: the village wall chart — team, 17 village criteria, each household's marks and measures."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer, Table

from forms.criteria.result import MET, UNKNOWN, UNMET

from . import labels as L
from .common import (
    active,
    empty_note,
    fit,
    furniture,
    inner_table,
    is_done,
    listed_households,
    section,
    span_inner,
    title_block,
    village_name,
)
from .fonts import FAMILY
from .model import HouseholdRow, VillageReportData, criterion_status
from .pages import render_story
from .styles import (
    HEAD_BG,
    TOTAL_BG,
    UNKNOWN_BG,
    UNMET_BG,
    Para,
    Styles,
    grid_table,
    string_cells,
    table,
)

# 定发〔2015〕13号: "推进挂图作战……将工作流程、目标任务、帮扶措施、帮扶干部等全部上墙公示；制定
# “施工图”、“进度表”，明确工作要求、完成时限、责任人员。" — hence one line per unmet criterion
# with its measure, the responsible cadre and the deadline.
# The chart is 80 em wide: A4 landscape gives 10 pt type, A3 landscape 14 pt, A2 landscape 20 pt
# (≈7 mm characters, read from two metres). A1 keeps 20 pt and fits more per sheet instead.
EMS = 80.0
MAX_BASE = 20.0
# Column widths in em; the measures column takes what is left.
HOUSEHOLD_COLS = dict(no=2.6, head=5.0, size=2.6, cause=4.4, year=3.2, cadre=5.4)
MARK_COL = 2.2
MEASURE_COLS = dict(criterion=3.2, cadre=4.4, deadline=5.0)
# A wall chart is not a file: long texts are cut (the card and the ledger print them whole).
DESCRIPTION_LIMIT, REASON_LIMIT = 48, 36

STATUS_BG = {UNMET: UNMET_BG, UNKNOWN: UNKNOWN_BG}
PAIRED_ROLE = "帮扶责任人"
PAIRED_LISTED = 4  # up to this many 帮扶责任人 get a row each in the header


def build_plan_story(data: VillageReportData, styles: Styles) -> list:
    name = village_name(data)
    year = f"{data.year}年" if data.year else ""
    v = data.village
    sub = "　".join(
        x
        for x in (f"{v.county}{v.township}{v.name}", f"行政区划代码：{v.code}" if v.code else "")
        if x
    )
    story = title_block(styles, f"{name}{year}精准扶贫施工图", sub)
    story.append(_header(data, styles))
    story += section(styles, "一、贫困村脱贫目标（17项）")
    story.append(_village_criteria(data, styles))
    households = listed_households(data)
    people = sum(h.people for h in households)
    story += section(styles, f"二、贫困户脱贫施工图（{len(households)}户{people}人）", 16)
    if households:
        story.append(
            styles.p(
                "标记：" + L.LEGEND + "　　“帮扶措施”列出每项未达标指标的措施、责任人和完成时限。",
                styles.small,
            )
        )
        story.append(Spacer(1, styles.base * 0.3))
        story.append(_household_table(data, households, styles))
    else:
        story.append(empty_note(styles, "本村暂无贫困户"))
    return story


def render_plan(
    data: VillageReportData,
    out_path,
    paper: str = "A3",
    landscape: bool = True,
    *,
    tile_paper: str | None = None,
    overlap_mm: float = 10.0,
    base_size: float | None = None,
) -> Path:
    """Write the 施工图 to out_path. With tile_paper ("A4"/"A3") the chart is laid out on
    `paper` (say "A1") and printed as overlapping tiles of tile_paper instead."""
    title = f"{village_name(data)}精准扶贫施工图"
    return render_story(
        out_path,
        lambda s: build_plan_story(data, s),
        furniture(data, title),
        paper=paper,
        landscape=landscape,
        ems=EMS,
        base_size=base_size,
        max_base=MAX_BASE,
        tile_paper=tile_paper,
        overlap_mm=overlap_mm,
    )


# --- header: village, pairing unit, leader, team --------------------------------------------


def _header(data: VillageReportData, styles: Styles) -> Table:
    v, p, em = data.village, styles.p, styles.em
    left_w = styles.width * 0.36
    facts = [
        [p("县区"), p(L.text(v.county))],
        [p("乡镇"), p(L.text(v.township))],
        [p("帮扶单位"), p(L.text(v.pairing_unit))],
        [p("包抓领导"), p(L.text(v.leader_in_charge))],
        [p("张贴日期"), p(L.date_long(data.posting_date, dash="—"))],
    ]
    left = grid_table(
        facts,
        [em(5), left_w - em(5)],
        styles,
        header_rows=0,
        zebra=False,
        extra=[("BACKGROUND", (0, 0), (0, -1), HEAD_BG)],
    )
    right_w = styles.width - left_w - em(1)
    team = [[p(x, styles.head) for x in ("驻村帮扶工作队", "职务", "单位", "联系电话")]]
    # A big village has a 帮扶责任人 for every 20–25 households: more than a few of them go on
    # one line by name (each household's row names its own cadre), not one row each.
    paired = [c for c in data.team if c.role == PAIRED_ROLE]
    listed = (
        data.team
        if len(paired) <= PAIRED_LISTED
        else [c for c in data.team if c.role != PAIRED_ROLE]
    )
    for c in listed:
        team.append(
            [
                p(c.name),
                p(L.text(c.role), styles.cell_center),
                p(L.text(c.unit)),
                p(L.text(c.phone), styles.cell_center),
            ]
        )
    extra = []
    if not data.team:
        team.append([p("（未录入工作队成员）"), "", "", ""])
        extra.append(("SPAN", (0, 1), (-1, 1)))
    elif len(listed) < len(data.team):
        team.append(
            [
                p(PAIRED_ROLE),
                p(f"{len(paired)}人", styles.cell_center),
                p("、".join(c.name for c in paired)),
                "",
            ]
        )
        extra.append(("SPAN", (2, len(team) - 1), (3, len(team) - 1)))
    widths = [em(7), em(5.5), 0, em(9)]
    widths[2] = right_w - sum(widths)
    right = grid_table(team, widths, styles, zebra=False, extra=extra)
    return table(
        [[left, right]],
        [left_w + em(1), right_w],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
    )


# --- the 17 village criteria ------------------------------------------------------------------


def _status_cell(status, styles: Styles) -> Para:
    s = criterion_status(status)
    return styles.p(f"{L.MARKS[s]} {L.STATUS_WORDS[s]}", styles.cell_center)


def _village_criteria(data: VillageReportData, styles: Styles) -> Table:
    """The 17 criteria in two side-by-side halves (⑴–⑼, ⑽–⒄) so they fit above the households."""
    p, em = styles.p, styles.em
    given = {c.no: c for c in data.village_criteria}
    gap = em(1)
    half_w = (styles.width - gap) / 2
    widths = [em(2.6), 0, em(7.6), em(7.2), em(5.6)]
    widths[1] = half_w - sum(widths)

    def half(numbers):
        rows = [[p(x, styles.head) for x in ("序号", "指标", "现状", "目标", "达标情况")]]
        extra = []
        for r, no in enumerate(numbers, 1):
            # all 17 always: a missing one prints as 数据不全, never as met
            c = given.get(no)
            status = criterion_status(c.status) if c else UNKNOWN
            value = escape(L.text(L.clip(c.value, 40) if c else ""))
            if c and c.reasons:
                value += (
                    f"<br/><font size={styles.base * 0.75:.1f} color='#555555'>"
                    f"{escape(L.clip('；'.join(c.reasons), 40))}</font>"
                )
            rows.append(
                [
                    p(str(no), styles.cell_center),
                    p(L.clip(c.title, 60) if c and c.title else L.VILLAGE_CRITERIA[no]),
                    Para(value, styles.cell_center),
                    p(L.text(L.clip(c.target, 40) if c else ""), styles.cell_center),
                    _status_cell(status, styles),
                ]
            )
            if status in STATUS_BG:
                extra.append(("BACKGROUND", (4, r), (4, r), STATUS_BG[status]))
        return grid_table(rows, widths, styles, extra=extra)

    return table(
        [[half(range(1, 10)), "", half(range(10, 18))]],
        [half_w, gap, half_w],
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ],
    )


# --- one row per household ----------------------------------------------------------------------


def _household_table(
    data: VillageReportData, households: list[HouseholdRow], styles: Styles
) -> Table:
    p, em = styles.p, styles.em
    hw = [em(w) for w in HOUSEHOLD_COLS.values()]
    mw = [em(MARK_COL)] * 12
    measure_w = [
        em(MEASURE_COLS["criterion"]),
        0,
        em(MEASURE_COLS["cadre"]),
        em(MEASURE_COLS["deadline"]),
    ]
    measure_w[1] = styles.width - sum(hw) - sum(mw) - sum(measure_w)
    widths = hw + mw + measure_w
    first_mark, first_measure = len(hw), len(hw) + 12
    ncols = len(widths)

    head0 = [
        p(x, styles.head)
        for x in ("序号", "户主", "人口", "致贫原因", "计划脱贫年度", "帮扶责任人")
    ]
    head0 += [p("十二项脱贫指标", styles.head)] + [""] * 11
    head0 += [p("未达标指标的帮扶措施", styles.head), "", "", ""]
    head1 = [""] * len(hw) + [p(L.SHORT_TITLES[n], styles.head) for n in range(1, 13)]
    head1 += [p(x, styles.head) for x in ("指标", "帮扶措施", "责任人", "完成时限")]
    rows = [head0, head1]
    extra = [("SPAN", (c, 0), (c, 1)) for c in range(len(hw))]
    extra += [
        ("SPAN", (first_mark, 0), (first_measure - 1, 0)),
        ("SPAN", (first_measure, 0), (ncols - 1, 0)),
        ("LEFTPADDING", (first_mark, 0), (first_measure - 1, -1), styles.base * 0.08),
        ("RIGHTPADDING", (first_mark, 0), (first_measure - 1, -1), styles.base * 0.08),
    ]

    # One-line cells (序号, 人口, the 6,000 marks of a 500-household village, and a cause or a
    # cadre that fits) are plain strings styled by the table, not Paragraphs: nothing to lay
    # out (a 500-household chart: 2.5 s → 1.6 s, drawn the same to the pixel).
    first, last = 2, len(households) + 1
    for c0, c1, style in ((0, 5, styles.cell_center), (first_mark, first_measure - 1, styles.mark)):
        extra += string_cells((c0, first), (c1, last), style)
    room = [w - styles.base * 0.5 for w in widths]  # minus grid_table's padding
    extra += span_inner(first_measure, ncols - 1, first, last)
    by_household = defaultdict(list)
    for m in active(data.measures):
        by_household[m.household_no].append(m)

    met_counts = [0] * 12
    open_unmet = planned = 0
    for i, h in enumerate(households, 1):
        r = len(rows)
        status_line = (
            f"<br/><font size={styles.base * 0.75:.1f}>{escape(_status_label(h))}</font>"
            if _status_label(h)
            else ""
        )
        group_line = (
            f"<br/><font size={styles.base * 0.75:.1f}>{escape(h.group)}</font>" if h.group else ""
        )
        row = [
            str(i),
            Para(escape(h.head_name or "—") + group_line, styles.big_name),
            str(h.people),
            styles.line(L.text(h.main_cause), styles.cell_center, room[3]),
            Para(escape(L.text(h.planned_exit_year)) + status_line, styles.cell_center),
            styles.line(L.text(h.cadre_name), styles.cell_center, room[5]),
        ]
        for n in range(1, 13):
            s = h.status_of(n)
            met_counts[n - 1] += s == MET
            row.append(L.MARKS[s])
            if s in STATUS_BG:
                extra.append(
                    ("BACKGROUND", (first_mark + n - 1, r), (first_mark + n - 1, r), STATUS_BG[s])
                )
        inner, n_unmet, n_planned = _measures_cell(
            data, h, measure_w, styles, by_household.get(h.household_no, [])
        )
        inner = fit(inner, styles)
        open_unmet += n_unmet
        planned += n_planned
        row += [inner, "", "", ""]
        rows.append(row)

    r = len(rows)
    people = str(sum(h.people for h in households))
    # "1122" is wider than the 人口 column at full size: shrink it to the cell, never wrap it
    size = min(styles.base, room[2] / max(stringWidth(people, FAMILY, 1), 1e-6))
    total = [
        p(f"合计 {len(households)}户", styles.cell_center),
        "",
        people,
        p("各项达标户数", styles.cell_center),
        "",
        "",
    ]
    total += [p(str(c), styles.cell_center) for c in met_counts]
    total += [p(f"未达标指标共 {open_unmet} 项，已落实措施 {planned} 项", styles.cell), "", "", ""]
    rows.append(total)
    extra += [
        ("SPAN", (0, r), (1, r)),
        ("SPAN", (3, r), (5, r)),
        ("SPAN", (first_measure, r), (ncols - 1, r)),
        ("BACKGROUND", (0, r), (-1, r), TOTAL_BG),
        ("FONTSIZE", (2, r), (2, r), size),
        ("LEADING", (2, r), (2, r), size * 1.25),
        ("ALIGN", (2, r), (2, r), "CENTER"),
    ]
    # 50 pages for 500 households: laid out a page at a time (reports.longtable)
    return grid_table(rows, widths, styles, header_rows=2, zebra=False, extra=extra, paged=True)


def _measures_cell(data: VillageReportData, h: HouseholdRow, widths, styles: Styles, measures=None):
    """A nested table: one line per unmet criterion (and per open measure not tied to one).
    `measures`: the household's active measures (looked up when not given)."""
    measures = active(data.measures_of(h.household_no)) if measures is None else measures
    lines, n_unmet, n_planned = [], 0, 0
    for c in h.unmet:
        n_unmet += 1
        ms = [m for m in measures if m.criterion_no == c.no]
        open_first = sorted(ms, key=is_done)
        reason = L.clip("；".join(c.reasons), REASON_LIMIT)
        if open_first:
            n_planned += 1
            m = open_first[0]
            desc = "；".join(L.clip(x.description, DESCRIPTION_LIMIT) for x in open_first[:2])
            if len(open_first) > 2:
                desc += f" 等{len(open_first)}项"
            if is_done(m):
                desc += "（已完成）"
            cadre = m.cadre_name or h.cadre_name
            deadline = L.date_in_year(m.planned_date, data.year)
        else:
            desc, cadre, deadline = "（待制定措施）", h.cadre_name, "—"
        lines.append((L.household_criterion_title(c.no, short=True), desc, reason, cadre, deadline))
    for m in measures:
        if m.criterion_no is None and not is_done(m):
            lines.append(
                (
                    "其他",
                    L.clip(m.description, DESCRIPTION_LIMIT),
                    "",
                    m.cadre_name or h.cadre_name,
                    L.date_in_year(m.planned_date, data.year),
                )
            )
    if not lines:
        unknown = sum(h.status_of(n) == UNKNOWN for n in range(1, 13))
        text = (
            f"无未达标指标；{unknown}项数据不全，待核实" if unknown else "各项指标均已达标或不适用"
        )
        return inner_table([], widths, styles, text), 0, 0
    rows, line = [], styles.line
    room = [w - styles.base * 0.5 for w in widths]  # minus inner_table's padding
    for crit, desc, reason, cadre, deadline in lines:
        body = escape(desc)
        if reason:  # on the same line when the column is wide (A1), wrapping below on A3
            body += (
                f"　<font size={styles.base * 0.78:.1f} color='#555555'>"
                f"原因：{escape(reason)}</font>"
            )
        rows.append(
            [
                line(crit, styles.cell_center, room[0]),
                Para(body, styles.cell),
                line(L.text(cadre), styles.cell_center, room[2]),
                line(deadline, styles.cell_center, room[3]),
            ]
        )
    strings = string_cells((0, 0), (-1, -1), styles.cell_center)
    return inner_table(rows, widths, styles, extra=strings), n_unmet, n_planned


def _status_label(h) -> str:
    """What the plan prints under a household: 已脱贫 / 返贫, or 新识别 in its first year."""
    if h.status in (L.STATUS_EXITED, L.STATUS_RETURNED):
        return h.status
    return L.LABEL_NEW if L.LABEL_NEW in h.labels else ""
