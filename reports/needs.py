"""需求清单: the measures not yet done, by level (村/户) and by poverty cause, with sums of money."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from . import labels as L
from .common import (
    empty_note,
    furniture,
    head_of,
    is_level_village,
    section,
    title_block,
    village_name,
)
from .model import MeasureRow, VillageReportData
from .pages import render_story
from .styles import TOTAL_BG, Styles, grid_table

EMS = 72.0


def open_needs(data: VillageReportData) -> list[MeasureRow]:
    """The needs list is the measures not yet done (DOMAIN: "the measures not yet done")."""
    return [m for m in data.measures if m.status in L.MEASURE_OPEN]


def _sum(measures) -> Decimal:
    return sum((m.money for m in measures if m.money is not None), Decimal(0))


def build_needs_story(data: VillageReportData, styles: Styles) -> list:
    needs = open_needs(data)
    village = [m for m in needs if is_level_village(m)]
    household = [m for m in needs if not is_level_village(m)]
    year = f"{data.year}年" if data.year else ""
    story = title_block(
        styles, f"{village_name(data)}{year}精准扶贫需求清单", "（未完成的帮扶项目，金额单位：元）"
    )
    # 定发〔2015〕13号: "按照不同层次（特困片带、贫困村、贫困户）和不同致贫原因（因灾、因病、因学、
    # 缺土地、缺资金、缺技术等），列出年度扶贫项目需求清单"
    story.append(
        styles.p(
            f"需求项目共{len(needs)}项，资金合计{L.money(_sum(needs))}元；其中村级{len(village)}项"
            f"{L.money(_sum(village))}元，户级{len(household)}项{L.money(_sum(household))}元"
            f"（涉及{len({m.household_no for m in household})}户）。",
            styles.body,
        )
    )
    story += section(styles, f"一、村级需求（{len(village)}项）")
    story.append(
        _list(data, village, False, styles) if village else empty_note(styles, "暂无村级需求")
    )
    story += section(styles, f"二、户级需求（{len(household)}项）")
    story.append(
        _list(data, household, True, styles) if household else empty_note(styles, "暂无户级需求")
    )
    story += section(styles, "三、按致贫原因汇总")
    story.append(
        _by(needs, lambda m: m.cause or "未注明", "致贫原因", styles)
        if needs
        else empty_note(styles, "暂无需求")
    )
    story += section(styles, "四、按资金来源汇总")
    story.append(
        _by(needs, lambda m: m.fund_source or "未注明", "资金来源", styles)
        if needs
        else empty_note(styles, "暂无需求")
    )
    return story


def render_needs(
    data: VillageReportData,
    out_path,
    paper: str = "A4",
    landscape: bool = True,
    *,
    base_size: float | None = None,
) -> Path:
    title = f"{village_name(data)}精准扶贫需求清单"
    return render_story(
        out_path,
        lambda s: build_needs_story(data, s),
        furniture(data, title),
        paper=paper,
        landscape=landscape,
        ems=EMS,
        base_size=base_size,
    )


def _list(data, measures, per_household: bool, styles: Styles):
    p = styles.p
    heads = (
        ["序号"]
        + (["户主"] if per_household else [])
        + [
            "类别",
            "致贫原因",
            "指标",
            "措施内容",
            "数量",
            "资金（元）",
            "资金来源",
            "责任人",
            "计划完成",
            "进度",
        ]
    )
    fixed = [2.6] + ([5] if per_household else []) + [5, 5, 3.8, 0, 3.6, 7.4, 7.6, 4.6, 6.6, 3.6]
    widths = [styles.em(x) for x in fixed]
    flex = heads.index("措施内容")
    widths[flex] = styles.width - sum(widths)
    rows = [[p(h, styles.head) for h in heads]]
    for i, m in enumerate(measures, 1):
        # household measures close one of the 12 criteria, village ones one of the 17
        title = (
            L.household_criterion_title(m.criterion_no, short=True)
            if per_household
            else f"第{m.criterion_no}项"
        )
        row = [p(str(i), styles.cell_center)]
        if per_household:
            row.append(p(head_of(data, m), styles.cell_center))
        qty = f"{L.number(m.quantity)}{m.unit}" if m.quantity is not None else "—"
        row += [
            p(L.text(m.category), styles.cell_center),
            p(L.text(m.cause), styles.cell_center),
            p(title if m.criterion_no else "—", styles.cell_center),
            p(L.clip(m.description, 300)),
            p(qty, styles.cell_center),
            p(L.money(m.money), styles.cell_right),
            p(L.text(m.fund_source)),
            p(L.text(m.cadre_name), styles.cell_center),
            p(L.date_short(m.planned_date), styles.cell_center),
            p(L.text(m.status), styles.cell_center),
        ]
        rows.append(row)
    r = len(rows)
    money_col = heads.index("资金（元）")
    total = [p(f"小计 {len(measures)} 项", styles.cell_center)] + [""] * (len(heads) - 1)
    total[money_col] = p(L.money(_sum(measures)), styles.cell_right)
    rows.append(total)
    return grid_table(
        rows,
        widths,
        styles,
        extra=[("SPAN", (0, r), (money_col - 1, r)), ("BACKGROUND", (0, r), (-1, r), TOTAL_BG)],
    )


def _by(measures, key, head: str, styles: Styles):
    p = styles.p
    groups: dict[str, list[MeasureRow]] = defaultdict(list)
    for m in measures:
        groups[key(m)].append(m)
    rows = [
        [
            p(x, styles.head)
            for x in (head, "村级项目", "户级项目", "涉及户数", "资金（元）", "占比")
        ]
    ]
    total = _sum(measures)
    for name, ms in sorted(groups.items(), key=lambda kv: -_sum(kv[1])):
        money = _sum(ms)
        rows.append(
            [p(name)]
            + [
                p(str(v), styles.cell_center)
                for v in (
                    sum(map(is_level_village, ms)),
                    sum(not is_level_village(m) for m in ms),
                    len({m.household_no for m in ms if not is_level_village(m)}),
                )
            ]
            + [
                p(L.money(money), styles.cell_right),
                p(f"{100 * money / total:.1f}%" if total else "—", styles.cell_center),
            ]
        )
    rows.append(
        [p("合计", styles.cell_center)]
        + [
            p(str(v), styles.cell_center)
            for v in (
                sum(map(is_level_village, measures)),
                sum(not is_level_village(m) for m in measures),
                len({m.household_no for m in measures if not is_level_village(m)}),
            )
        ]
        + [p(L.money(total), styles.cell_right), p("100%" if total else "—", styles.cell_center)]
    )
    widths = [styles.em(x) for x in (14, 7, 7, 7, 11, 7)]
    return grid_table(
        rows, widths, styles, extra=[("BACKGROUND", (0, len(rows) - 1), (-1, -1), TOTAL_BG)]
    )
