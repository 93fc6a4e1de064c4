"""户卡/明白卡: one page per household — members, the 12 criteria and reasons, income, measures."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import KeepInFrame, PageBreak, Spacer

from forms.criteria.result import UNKNOWN, UNMET

from . import labels as L
from .common import empty_note, furniture, listed_households, place, village_name
from .model import HouseholdRow, VillageReportData
from .pages import render_story
from .privacy import mask_id
from .styles import HEAD_BG, UNKNOWN_BG, UNMET_BG, Styles, grid_table, table

EMS = 46.0  # A4 portrait: 11.7 pt, so a household of 6 fits its page unshrunk
VISITS_SHOWN = 3
STATUS_BG = {UNMET: UNMET_BG, UNKNOWN: UNKNOWN_BG}


def build_card_story(
    data: VillageReportData,
    styles: Styles,
    household_nos: list[str] | None = None,
    mask_ids: bool = True,
) -> list:
    """One page per household (listed_households, or those in household_nos in that order).
    Each card is shrunk to its page if it would overflow, so a card is never two pages."""
    if household_nos is None:
        households = listed_households(data)
    else:
        households = [h for no in household_nos if (h := data.household(no)) is not None]
    if not households:
        return [
            styles.strong(f"{village_name(data)}精准扶贫明白卡", styles.title),
            empty_note(styles, "本村暂无贫困户"),
        ]
    story = []
    for i, h in enumerate(households):
        if i:
            story.append(PageBreak())
        story.append(
            KeepInFrame(
                styles.width, styles.height * 0.99, _card(data, h, styles, mask_ids), mode="shrink"
            )
        )
    return story


def render_cards(
    data: VillageReportData,
    out_path,
    paper: str = "A4",
    landscape: bool = False,
    *,
    household_nos: list[str] | None = None,
    mask_ids: bool = True,
    base_size: float | None = None,
) -> Path:
    """All households' cards in one PDF, one page each (mask_ids=False only for the team's
    own file copy: a 明白卡 hangs in the household's home)."""
    title = f"{village_name(data)}精准扶贫明白卡"
    return render_story(
        out_path,
        lambda s: build_card_story(data, s, household_nos, mask_ids),
        furniture(data, title),
        paper=paper,
        landscape=landscape,
        ems=EMS,
        base_size=base_size,
    )


def _card(data: VillageReportData, h: HouseholdRow, styles: Styles, mask_ids: bool) -> list:
    p, em = styles.p, styles.em
    section = ParagraphStyle(
        "card_section",
        parent=styles.h1,
        fontSize=styles.base * 1.15,
        leading=styles.base * 1.4,
        spaceBefore=styles.base * 0.55,
        spaceAfter=styles.base * 0.25,
    )
    out = [
        styles.strong("精准扶贫明白卡", styles.title),
        p(f"{place(data)}{h.group}　{data.year or ''}年度", styles.subtitle),
    ]
    exit_label, exit_year = (
        ("脱贫年度", h.exit_year) if h.exit_year else ("计划脱贫年度", h.planned_exit_year)
    )
    info = [
        ("户主", h.head_name, "户编号", h.household_no),
        ("家庭人口", f"{h.people}人", "户状态", h.status),
        ("贫困户属性", h.poverty_attribute, "主要致贫原因", h.main_cause),
        ("识别年度", h.identification_year, exit_label, exit_year),
        ("帮扶责任人", h.cadre_name, "联系电话", h.cadre_phone),
    ]
    label_w, value_w = em(7), styles.width / 2 - em(7)
    out.append(
        grid_table(
            [[p(a), p(L.text(b)), p(c), p(L.text(d))] for a, b, c, d in info],
            [label_w, value_w, label_w, value_w],
            styles,
            header_rows=0,
            zebra=False,
            extra=[
                ("BACKGROUND", (0, 0), (0, -1), HEAD_BG),
                ("BACKGROUND", (2, 0), (2, -1), HEAD_BG),
            ],
        )
    )
    out.append(styles.strong("家庭成员", section))
    out.append(_members(h, styles, mask_ids))
    out.append(styles.strong("收入与支出", section))
    out.append(p(_money_line(data, h), styles.body))
    out.append(styles.strong("十二项脱贫指标", section))
    out.append(_criteria(h, styles))
    out.append(styles.strong("帮扶措施", section))
    out.append(_measures(data, h, styles))
    visits = sorted(
        (v for v in data.visits_of(h.household_no) if v.date),
        key=lambda v: str(v.date),
        reverse=True,
    )[:VISITS_SHOWN]
    if visits:
        out.append(styles.strong("最近走访", section))
        out.append(
            grid_table(
                [[p("日期", styles.head), p("干部", styles.head), p("走访发现", styles.head)]]
                + [
                    [
                        p(L.date_short(v.date), styles.cell_center),
                        p(L.text(v.cadre_name), styles.cell_center),
                        p(L.clip(" ".join(x for x in (v.findings, v.note) if x), 120)),
                    ]
                    for v in visits
                ],
                [em(6.4), em(5), styles.width - em(11.4)],
                styles,
            )
        )
    out.append(Spacer(1, styles.base * 1.2))
    out.append(
        table(
            [
                [
                    p("户主签字：____________", styles.cell),
                    p("帮扶责任人签字：____________", styles.cell),
                ]
            ],
            [styles.width / 2] * 2,
            [("LEFTPADDING", (0, 0), (-1, -1), 0)],
        )
    )
    return out


def _members(h: HouseholdRow, styles: Styles, mask_ids: bool):
    p = styles.p
    heads = ("姓名", "关系", "性别", "年龄", "身份证号", "健康状况", "在校情况", "劳动技能")
    rows = [[p(x, styles.head) for x in heads]]
    for m in h.members:
        rows.append(
            [
                p(L.text(m.name)),
                p(L.text(m.relation), styles.cell_center),
                p(L.text(m.sex), styles.cell_center),
                p(L.text(m.age), styles.cell_center),
                p((mask_id(m.id_number) if mask_ids else m.id_number) or "—", styles.cell_center),
                p(L.text(m.health), styles.cell_center),
                p(L.text(m.school_status), styles.cell_center),
                p(L.text(m.labor_ability), styles.cell_center),
            ]
        )
    extra = []
    if not h.members:
        rows.append([p("（未登记家庭成员）", styles.cell_center)] + [""] * 7)
        extra = [("SPAN", (0, 1), (-1, 1))]
    widths = [styles.em(x) for x in (5, 3, 2.6, 2.8, 10.6, 0, 5.4, 6.6)]
    widths[5] = styles.width - sum(widths)
    return grid_table(rows, widths, styles, extra=extra)


def _money_line(data: VillageReportData, h: HouseholdRow) -> str:
    f = h.finance
    if f is None:
        return "本年度收支数据尚未录入。"
    line = f.poverty_line if f.poverty_line is not None else data.poverty_line
    year = f.year or data.year
    income, spend = f.income_per_capita(h.people), f.consumption_per_capita(h.people)
    return (
        f"人均可支配收入：{L.money(income)}元　人均生活消费支出：{L.money(spend)}元　"
        f"{year or ''}年国家扶贫标准：{L.money(line)}元/人·年"
    )


def _criteria(h: HouseholdRow, styles: Styles):
    p = styles.p
    rows = [[p(x, styles.head) for x in ("序号", "指标", "情况", "说明")]]
    extra = []
    for n in range(1, 13):
        c, s = h.criterion(n), h.status_of(n)
        rows.append(
            [
                p(str(n), styles.cell_center),
                p(L.HOUSEHOLD_CRITERIA[n]),
                p(f"{L.MARKS[s]} {L.STATUS_WORDS[s]}", styles.cell_center),
                p(L.clip("；".join(c.reasons), 80), styles.cell_small),
            ]
        )
        if s in STATUS_BG:
            extra.append(("BACKGROUND", (2, n), (2, n), STATUS_BG[s]))
    widths = [styles.em(2.4), styles.em(20.6), styles.em(5.6), 0]
    widths[3] = styles.width - sum(widths)
    return grid_table(rows, widths, styles, extra=extra)


def _measures(data: VillageReportData, h: HouseholdRow, styles: Styles):
    p = styles.p
    measures = data.measures_of(h.household_no)
    rows = [
        [
            p(x, styles.head)
            for x in ("指标", "措施内容", "资金（元）", "责任人", "计划完成", "进度")
        ]
    ]
    for m in measures:
        rows.append(
            [
                p(
                    L.household_criterion_title(m.criterion_no, short=True)
                    if m.criterion_no
                    else "—",
                    styles.cell_center,
                ),
                p(L.clip(m.description, 120)),
                p(L.money(m.money), styles.cell_right),
                p(L.text(m.cadre_name), styles.cell_center),
                p(L.date_short(m.planned_date), styles.cell_center),
                p(L.text(m.status), styles.cell_center),
            ]
        )
    extra = []
    if not measures:
        rows.append([p("（暂无帮扶措施）", styles.cell_center)] + [""] * 5)
        extra = [("SPAN", (0, 1), (-1, 1))]
    widths = [styles.em(x) for x in (3.4, 0, 6.6, 4.6, 6.4, 4)]
    widths[1] = styles.width - sum(widths)
    return grid_table(rows, widths, styles, extra=extra)
