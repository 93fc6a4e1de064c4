"""What a criterion evaluates to: a status, reasons in Chinese, figures, and the fields it read."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# The four statuses (docs/domain.md). "Unknown is never shown as met."
MET = "met"
UNMET = "unmet"
UNKNOWN = "unknown"
NA = "not_applicable"
STATUSES = (MET, UNMET, UNKNOWN, NA)
# A household, village or county passes a criterion when it is met or does not apply.
PASSING = (MET, NA)


@dataclass(frozen=True, slots=True)
class Look:
    """How a status reads, alike on screen, on paper and on the command line."""

    word: str
    mark: str
    colour: str  # on screen: the check panel's marks, the village chart's bars


# Unmet is ✘ (U+2718): the reports' bundled font has ✓ (U+2713) and ✘ but not ✗ (U+2717),
# and tests/reports/test_styles.py checks every glyph printed. Unknown is 数据不全, as in the
# rules' own reasons ("…2户数据不全").
LOOKS = {
    MET: Look("达标", "✓", "#2e7d32"),
    UNMET: Look("未达标", "✘", "#c62828"),
    UNKNOWN: Look("数据不全", "?", "#9e9e9e"),
    NA: Look("不适用", "—", "#bdbdbd"),
}


@dataclass(slots=True)
class CriterionResult:
    no: int
    title: str
    status: str
    reasons: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    # What the criterion read, so the GUI can jump there: "household.toilet",
    # "finance.wage_income", "policy.poverty_line", "member:<id>.school_status", "facts.bus_lines".
    fields: list[str] = field(default_factory=list)

    @property
    def passing(self) -> bool:
        return self.status in PASSING

    def to_dict(self) -> dict:
        return {
            "no": self.no,
            "title": self.title,
            "status": self.status,
            "reasons": list(self.reasons),
            "figures": dict(self.figures),
            "fields": list(self.fields),
        }


def combine(failures: list[str], unknowns: list[str]) -> str:
    """A known failure wins over missing data; missing data is never met."""
    if failures:
        return UNMET
    if unknowns:
        return UNKNOWN
    return MET


# --- numbers -------------------------------------------------------------------------------


def number(value) -> float | int | None:
    """A usable number, or None for missing or malformed input (bools and text are not numbers)."""
    t = type(value)
    if t is int:
        return value
    if t is float:
        return value if value - value == 0 else None  # NaN and ±inf are not figures
    if value is None or t is bool or t is str:
        return None
    try:  # Decimal and other numeric types
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if f - f == 0 else None


def fen(value) -> int | None:
    """Money as whole fen (分), so comparisons with the poverty line are exact."""
    v = number(value)
    if v is None:
        return None
    return v * 100 if type(v) is int else round(v * 100)


def plain(v) -> str:
    """A policy or fact figure as the user typed it: 2855 → "2855", 1.95 → "1.95"."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _floor_to(v: float, places: int) -> float:
    m = 10**places
    return math.floor(round(v * m, 6)) / m


def _ceil_to(v: float, places: int) -> float:
    m = 10**places
    return math.ceil(round(v * m, 6)) / m


def shown(v: float, places: int, threshold: float | None = None, side: str | None = None) -> float:
    """v rounded for display, kept on its true side of the threshold it was tested against.

    side="below": v is known to be below the threshold (a failed "≥ t", a passed "< t");
    side="above": v is known to be above it (a passed "> t"). So 29.997 m² shows as 29.99, not
    as a contradictory "30.00 < 30", and 2855.003 元 as 2855.01 > 2855. Thresholds have at most
    `places` decimals.
    """
    r = round(v, places)
    if side == "below" and r >= threshold:
        return _floor_to(v, places)
    if side == "above" and r <= threshold:
        return _ceil_to(v, places)
    return r


def pct(v: float, threshold: float | None = None, side: str | None = None) -> str:
    """A percentage with one decimal (see shown)."""
    return f"{shown(v, 1, threshold, side):.1f}%"


def apart(v: float, threshold: float, above: bool, places: int = 1) -> tuple[str, str]:
    """v and a computed threshold (not typed in, so with any number of decimals) as texts that
    agree with the verdict `above` (v > threshold): the fewest decimals, from `places` up to 4,
    at which the two shown figures are not on the wrong side of each other (8.76% vs 8.76%
    shown as 8.76 > 8.75 rather than the contradictory 8.8 > 8.8)."""
    for n in range(places, 5):
        a, b = round(v, n), round(threshold, n)
        if (a > b) if above else (a <= b):
            break
    return f"{a:.{n}f}", f"{b:.{n}f}"


def named(items: list[str], limit: int = 3, unit: str = "户") -> str:
    """The first few of a list, then how many in all: "户0012…、户0013…、户0014…等5户"."""
    if len(items) <= limit:
        return "、".join(items)
    return "、".join(items[:limit]) + f"等{len(items)}{unit}"


# --- shares with missing data ------------------------------------------------------------------

YES = "yes"  # counted, and counts in favour
NO = "no"  # counted, and counts against
OUT = "out"  # not in the population of the rate
MAYBE = "maybe"  # in the population, outcome unknown
MAYBE_YES = "maybe_yes"  # either yes or out (e.g. age unknown, but in school anyway)
MAYBE_NO = "maybe_no"  # either no or out (e.g. age unknown, not insured)


class Share:
    """A rate over a population where some entries are unknown.

    The rate is judged on its bounds: met only when even the worst case reaches the target,
    unmet when even the best case misses it, unknown in between. So one missing value among
    200 households cannot hide a failure nor invent a success.
    """

    __slots__ = ("yes", "no", "maybe", "maybe_yes", "maybe_no")

    def __init__(self):
        self.yes = self.no = self.maybe = self.maybe_yes = self.maybe_no = 0

    def add(self, cls: str) -> None:
        if cls == YES:
            self.yes += 1
        elif cls == NO:
            self.no += 1
        elif cls == MAYBE:
            self.maybe += 1
        elif cls == MAYBE_YES:
            self.maybe_yes += 1
        elif cls == MAYBE_NO:
            self.maybe_no += 1

    @property
    def unknown(self) -> int:
        return self.maybe + self.maybe_yes + self.maybe_no

    @property
    def known(self) -> int:
        return self.yes + self.no

    def value(self) -> float | None:
        """The rate over the entries whose outcome is known, in %."""
        return 100.0 * self.yes / self.known if self.known else None

    def low(self) -> float | None:
        d = self.yes + self.no + self.maybe + self.maybe_no
        return 100.0 * self.yes / d if d else None

    def high(self) -> float | None:
        d = self.yes + self.no + self.maybe + self.maybe_yes
        return 100.0 * (self.yes + self.maybe + self.maybe_yes) / d if d else None

    def figures(self) -> dict:
        return {
            "yes": self.yes,
            "total": self.known,
            "unknown": self.unknown,
            "pct": None if self.value() is None else round(self.value(), 1),
        }


def judge_share(
    share: Share, name: str, target: float, unit: str = "户"
) -> tuple[str, str, float | None]:
    """(status, reason, rate as shown) for "name ≥ target %"; NA when the population is empty
    and nothing is unknown. Every rate in the seed is "达到…以上" (≥)."""

    def ok(v):
        return v >= target

    sign_ok, sign_bad = "≥", "<"
    t = plain(float(target))
    if share.known == 0 and share.unknown == 0:
        return NA, f"{name}：无统计对象", None
    lo, hi, v = share.low(), share.high(), share.value()
    # Unmet means even the best case is below the target, and the known rate is no higher.
    failed = hi is not None and not ok(hi) and not (lo is None or ok(lo))
    v_shown = None if v is None else shown(v, 1, target, "below" if failed else None)
    base = (
        f"{name} {v_shown:.1f}%（{share.yes}/{share.known}{unit}）"
        if v is not None
        else f"{name}：{share.unknown}{unit}数据不全"
    )
    if share.unknown and v is not None:
        base += f"，另有{share.unknown}{unit}数据不全"
    # lo is None: in the worst case nobody is in the population (only "yes or out" entries).
    if lo is None or ok(lo):
        tail = "，按最不利情况计算仍达标" if share.unknown else ""
        return MET, f"{base} {sign_ok} {t}%{tail}", v_shown
    if hi is not None and not ok(hi):
        if share.unknown and v is not None:
            return UNMET, f"{base}，即使全部达标也 {sign_bad} {t}%", v_shown
        return UNMET, f"{base} {sign_bad} {t}%", v_shown
    span = f"（区间 {pct(lo)}–{pct(hi)}）" if hi is not None else ""
    return UNKNOWN, f"{base}，无法判断是否达到{t}%{span}", v_shown


def apply_rules(rules, view) -> list[CriterionResult]:
    """Each rule's verdict on a view (household, village or county), in the rules' order."""
    return [CriterionResult(rule.no, rule.title, *rule.check(view)) for rule in rules]


class Verdicts:
    """What a household's, village's or county's evaluation offers over its criteria."""

    __slots__ = ()
    criteria: list[CriterionResult]

    @property
    def all_passing(self) -> bool:
        """All met or not applicable: the exit standard is reached."""
        return all(c.status in PASSING for c in self.criteria)

    def criterion(self, no: int) -> CriterionResult:
        return next(c for c in self.criteria if c.no == no)
