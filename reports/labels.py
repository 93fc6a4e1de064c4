"""Printed words and number formats: criterion titles, status marks, money, dates."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from forms import choices as C
from forms.criteria.household import HOUSEHOLD_RULES
from forms.criteria.result import LOOKS, MET, NA, UNKNOWN, UNMET
from forms.criteria.village import VILLAGE_RULES

from .model import criterion_status, to_decimal

# The criteria's titles are the rules' (forms.criteria): the 12 in full, their two-character
# column titles for the wall-chart grid, and the 17 as short as a table row.
HOUSEHOLD_CRITERIA = {r.no: r.title for r in HOUSEHOLD_RULES}
SHORT_TITLES = {r.no: r.short for r in HOUSEHOLD_RULES}
VILLAGE_CRITERIA = {r.no: r.short or r.title for r in VILLAGE_RULES}

# Marks and words of the statuses (forms.criteria.result.LOOKS).
MARKS = {s: look.mark for s, look in LOOKS.items()}
STATUS_WORDS = {s: look.word for s, look in LOOKS.items()}
LEGEND = "　".join(f"{MARKS[s]} {STATUS_WORDS[s]}" for s in (MET, UNMET, UNKNOWN, NA))

# Measure and household statuses, as stored (forms.choices).
MEASURE_DONE, MEASURE_CANCELLED = C.MEASURE_DONE, C.MEASURE_CANCELLED
MEASURE_OPEN = C.MEASURE_OPEN_STATUSES
STATUS_POOR, STATUS_EXITED = C.STATUS_POOR, C.STATUS_EXITED
LABEL_NEW, LABEL_PLANNED = C.LABEL_NEW, C.LABEL_PLANNED
STATUS_UNKNOWN = "状态不明"  # the year's status cannot be known (已脱贫 without its exit year)
STATUS_RETURNED, STATUS_REMOVED = C.STATUS_RETURNED, C.STATUS_REMOVED

CIRCLED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def mark(status) -> str:
    return MARKS[criterion_status(status)]


def circled(no) -> str:
    """⑴ for 1 … ⒇ for 20, the seed's numbering; other numbers as (n)."""
    return CIRCLED[no - 1] if isinstance(no, int) and 1 <= no <= len(CIRCLED) else f"({no})"


def household_criterion_title(no, short=False) -> str:
    """The rule's title (or its two-character one); 第n项 for a number no rule has."""
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
