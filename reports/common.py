"""Pieces several reports share: title block, empty-data line, household and measure lookups."""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, KeepInFrame, Spacer, Table

from . import labels as L
from .model import HouseholdRow, MeasureRow, VillageReportData
from .pages import Furniture
from .styles import Styles, table


def place(data: VillageReportData) -> str:
    """县区 乡镇 村 run together (安定区香泉镇石门村), as much as is known."""
    v = data.village
    return "".join(p for p in (v.county, v.township, v.name) if p) or "（未填村名）"


def village_name(data: VillageReportData) -> str:
    return data.village.name or "本村"


def year_label(data: VillageReportData) -> str:
    """Top right of every page: the year, and whether its figures are a closed year's."""
    if not data.year:
        return ""
    return f"{data.year}年度（封存数据）" if data.closed else f"{data.year}年度"


def furniture(data: VillageReportData, title: str) -> Furniture:
    """Running header and footer of every page of a village report."""
    made = L.date_long(data.posting_date, dash="")
    team = f"{village_name(data)}驻村帮扶工作队"
    return Furniture(
        title=title,
        place=place(data),
        period=year_label(data),
        footer=f"制表：{team}"
        + (f"　制表日期：{made}" if made else "")
        + (f"　{data.closed}" if data.closed else ""),
    )


def title_block(styles: Styles, title: str, subtitle: str = "") -> list:
    out = [styles.strong(title, styles.title)]
    if subtitle:
        out.append(styles.p(subtitle, styles.subtitle))
    else:
        out.append(Spacer(1, styles.base * 0.6))
    return out


def section(styles: Styles, text: str, room_em: float = 10) -> list:
    """A numbered heading that moves to the next page unless about `room_em` lines of what
    follows fit under it (a heading alone at the foot of a page is no use on a wall)."""
    return [CondPageBreak(styles.em(room_em)), styles.strong(text)]


def empty_note(styles: Styles, text: str) -> Table:
    """A boxed line saying there is nothing to list, so an empty report still reads as one."""
    return table(
        [[styles.p(text, styles.big_name)]],
        [styles.width],
        [
            ("BOX", (0, 0), (-1, -1), 0.8, "#444444"),
            ("TOPPADDING", (0, 0), (-1, -1), styles.base * 0.8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), styles.base * 0.9),
        ],
    )


def listed_households(data: VillageReportData) -> list[HouseholdRow]:
    """Households a wall chart lists: still registered, not exited in an earlier year
    ("有进有出、动态管理": 清退 households and those out before this year drop off)."""
    out = []
    for h in data.households:
        if h.status in (L.STATUS_REMOVED, ""):
            continue
        if h.status == L.STATUS_EXITED and h.exit_year and data.year and h.exit_year < data.year:
            continue
        out.append(h)
    return out


def head_of(data: VillageReportData, m: MeasureRow) -> str:
    """The 户主 a household-level measure belongs to; '村级' for a village measure."""
    if m.head_name:
        return m.head_name
    if not m.household_no:
        return "村级"
    h = data.household(m.household_no)
    return h.head_name if h and h.head_name else m.household_no


def active(measures) -> list[MeasureRow]:
    """Measures that count: everything but cancelled ones."""
    return [m for m in measures if m.status != L.MEASURE_CANCELLED]


def is_done(m: MeasureRow) -> bool:
    return m.status == L.MEASURE_DONE


def is_level_village(m: MeasureRow) -> bool:
    return m.level == "村" or not m.household_no


def inner_table(
    rows, widths, styles: Styles, empty_text: str = "", vlines: bool = True, extra=()
) -> Table:
    """A table nested in a spanned cell: inner lines only, so its columns continue the outer
    table's (the outer cell has no padding, see span_inner). Without `vlines` it has row
    separators only: where the outer row may be taller than the nested table (a one-member
    household beside a long reason) column lines would stop short."""
    pad = styles.base * 0.25
    if not rows:
        rows = [[styles.p(empty_text or "—", styles.cell)] + [""] * (len(widths) - 1)]
        cmds = [("SPAN", (0, 0), (-1, 0))]
    else:
        cmds = []
    line = max(0.3, styles.base * 0.03)
    lines = (
        ("INNERGRID", (0, 0), (-1, -1), line, "#444444")
        if vlines
        else ("LINEBELOW", (0, 0), (-1, -2), line, "#444444")
    )
    return table(
        rows,
        widths,
        cmds
        + [
            lines,
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            *extra,
        ],
    )


def span_inner(first_col: int, last_col: int, row: int, last_row: int | None = None) -> list:
    """Outer-table commands for a row (or the rows row..last_row) whose columns first..last
    hold one inner_table each. A long table gives the padding once for all its rows: every
    command is copied again each time the table splits at a page end."""
    a, b = (first_col, row), (last_col, row if last_row is None else last_row)
    spans = [("SPAN", (first_col, r), (last_col, r)) for r in range(row, b[1] + 1)]
    return spans + [
        ("LEFTPADDING", a, b, 0),
        ("RIGHTPADDING", a, b, 0),
        ("TOPPADDING", a, b, 0),
        ("BOTTOMPADDING", a, b, 0),
    ]


class Fit(KeepInFrame):
    """KeepInFrame that does not measure its content again for the same width when it fitted
    unshrunk (then any room at least as tall gives the same answer). A table row is measured
    several times before it is drawn; drawing wraps the content again by itself."""

    def wrap(self, availWidth, availHeight):
        room = min(self.maxHeight or availHeight, availHeight)
        done = getattr(self, "_fitted", None)
        if done is not None and done[0] == availWidth and done[1] <= room:
            self.width, self.height = done[2]
            return self.width, self.height
        self.__dict__.pop("_scale", None)
        size = super().wrap(availWidth, availHeight)
        unshrunk = "_scale" not in self.__dict__ and self.height <= room
        self._fitted = (availWidth, self.height, (self.width, self.height)) if unshrunk else None
        return size


def fit(flowable, styles: Styles, fraction: float = 0.85) -> KeepInFrame:
    """Hold a cell's content to `fraction` of the page height, shrinking it only when it would
    not fit (a table row cannot break across pages, and an oversized one stops the build)."""
    return Fit(0, styles.height * fraction, [flowable], mode="shrink")


_BREAK_AFTER = "。；！？\n，、 "


def chunk_text(text, col_width: float, styles: Styles, fraction: float = 0.4) -> list[str]:
    """Cut text into pieces each of which fills at most `fraction` of a page in a column
    `col_width` wide, preferring to cut after punctuation; '' gives ['']."""
    s = "" if text is None else str(text)
    per_line = max(1, int((col_width - styles.base * 0.5) / styles.base))
    limit = per_line * max(2, int(styles.height * fraction / (styles.base * 1.3)))
    pieces, start, cost, last_break = [], 0, 0, -1
    for i, ch in enumerate(s):
        cost += per_line if ch == "\n" else 1
        if ch in _BREAK_AFTER:
            last_break = i
        if cost >= limit:
            cut = last_break + 1 if last_break >= start + limit // 2 else i + 1
            pieces.append(s[start:cut])
            start, last_break = cut, -1
            cost = sum(per_line if c == "\n" else 1 for c in s[start : i + 1])
    if start < len(s) or not pieces:
        pieces.append(s[start:])
    return pieces


def chunk_rows(styles: Styles, row: list, long_texts: dict, style=None) -> list[list]:
    """`row` as one or more table rows: each column in long_texts ({col: (text, width)}) is
    cut by chunk_text and continued in rows marked （续） in the first column."""
    chunks = {c: chunk_text(t, w, styles) for c, (t, w) in long_texts.items()}
    n = max(len(v) for v in chunks.values())
    out = []
    for i in range(n):
        r = list(row) if i == 0 else [styles.p("（续）", styles.cell_small)] + [""] * (len(row) - 1)
        for c, parts in chunks.items():
            r[c] = styles.p(parts[i] if i < len(parts) else "", style)
        out.append(r)
    return out
