"""Printed words and number formats: criterion titles, status marks, money, dates."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from .model import MET, NOT_APPLICABLE, UNKNOWN, UNMET, criterion_status, to_decimal

# 贫困户脱贫目标(共12项), the seed's wording (定发〔2015〕13号 二、(二) 3).
HOUSEHOLD_CRITERIA = {
    1: "人均可支配收入高于当年贫困线",
    2: "有安全稳固住房，人均住房面积≥30平方米",
    3: "饮用安全水，有条件地区接通自来水",
    4: "适龄儿童接受9年义务教育",
    5: "主要劳动力接受了技能培训",
    6: "有增收门路",
    7: "全部人口参加新型农村合作医疗",
    8: "符合条件人口参加新型农村社会养老保险",
    9: "有简易卫生厕所或卫生厕所",
    10: "有通讯设备，有线广播电视入户，接通互联网",
    11: "无因病、因学、因婚借贷",
    12: "人均生活消费支出≥当年国家扶贫标准",
}
# Two-character titles for the 12 columns of the wall-chart grid.
SHORT_TITLES = {
    1: "收入",
    2: "住房",
    3: "饮水",
    4: "教育",
    5: "培训",
    6: "门路",
    7: "医保",
    8: "养老",
    9: "厕所",
    10: "通讯",
    11: "借贷",
    12: "消费",
}

# 贫困村脱贫目标(17项), shortened from the seed (二、(二) 2) for a table row.
VILLAGE_CRITERIA = {
    1: "贫困人口人均可支配收入高于当年贫困线",
    2: "贫困发生率下降到8%以下",
    3: "通乡镇硬化路、到村客运班车",
    4: "村民小组通村部硬化(砂化)路比例100%",
    5: "饮水安全农户100%，自来水入户率90%以上",
    6: "通动力电",
    7: "安全稳固住房农户100%，人均30平方米以上90%",
    8: "有村级增收产业1项以上",
    9: "义务教育巩固率95%以上",
    10: "新型农村合作医疗参合率95%以上",
    11: "标准化村卫生室1个以上、执业医师1个以上",
    12: "新型农村社会养老保险参保率95%以上",
    13: "简易卫生厕所80%以上，卫生厕所70%以上",
    14: "有村文化活动室1个以上",
    15: "通讯、广播电视、互联网覆盖",
    16: "有互助资金协会1个以上",
    17: "有意愿的贫困家庭“两后生”技能培训率100%",
}

# Marks of the grid. The bundled font has ✓ (U+2713) and ✘ (U+2718) but not ✗ (U+2717);
# tests/reports/test_fonts.py checks every glyph printed here.
MARKS = {MET: "✓", UNMET: "✘", UNKNOWN: "?", NOT_APPLICABLE: "—"}
STATUS_WORDS = {MET: "达标", UNMET: "未达标", UNKNOWN: "数据不全", NOT_APPLICABLE: "不适用"}
LEGEND = "　".join(f"{MARKS[s]} {STATUS_WORDS[s]}" for s in (MET, UNMET, UNKNOWN, NOT_APPLICABLE))

# Measure statuses (forms.choices.MEASURE_STATUSES).
MEASURE_DONE = "已完成"
MEASURE_CANCELLED = "已取消"
MEASURE_OPEN = ("计划", "实施中")

# Household statuses (forms.choices).
STATUS_NEW, STATUS_PLANNED, STATUS_EXITED, STATUS_RETURNED, STATUS_REMOVED = (
    "新识别",
    "计划脱贫",
    "已脱贫",
    "返贫",
    "清退",
)

CIRCLED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def mark(status) -> str:
    return MARKS[criterion_status(status)]


def circled(no) -> str:
    """⑴ for 1 … ⒇ for 20, the seed's numbering; other numbers as (n)."""
    return CIRCLED[no - 1] if isinstance(no, int) and 1 <= no <= len(CIRCLED) else f"({no})"


def household_criterion_title(no, short=False) -> str:
    table = SHORT_TITLES if short else HOUSEHOLD_CRITERIA
    return table.get(no, f"第{no}项")


def money(value, dash="—") -> str:
    """12,345.67 — 元 with two decimals and thousands separators; blank -> a dash."""
    d = to_decimal(value)
    if d is None:
        return dash
    return f"{d.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def number(value, dash="—") -> str:
    """A quantity without needless decimals: 5, 2.5."""
    d = to_decimal(value)
    if d is None:
        return dash
    return f"{d.normalize():f}" if d != d.to_integral() else f"{int(d)}"


def percent(part: int, whole: int, dash="—") -> str:
    return f"{100 * part / whole:.0f}%" if whole else dash


def date_short(value, dash="—") -> str:
    """2017-06-30 in tables; text that is not a date is printed as given."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value else dash


def date_in_year(value, year: int | None, dash="—") -> str:
    """8月20日 when the date falls in the report's year (short enough for a wall chart),
    else 2018年3月20日."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.month}月{value.day}日" if value.year == year else date_long(value)
    return str(value) if value else dash


def date_long(value, dash="____年__月__日") -> str:
    """2017年6月30日 in sentences."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value) if value else dash


def text(value, dash="—") -> str:
    if value is None:
        return dash
    s = str(value).strip()
    return s if s else dash


def clip(value, limit: int) -> str:
    """At most `limit` characters, ending in … when cut (a wall chart is not a file)."""
    s = "" if value is None else str(value).strip()
    return s if len(s) <= limit else s[: max(limit - 1, 0)] + "…"
