"""Paragraph and table styles for Chinese reports, all sized from one base font size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from .fonts import FAMILY
from .longtable import Grid, PagedTable

INK = colors.black
GRID = colors.HexColor("#444444")
HEAD_BG = colors.HexColor("#d9e2ec")  # light blue-grey: still visibly grey on a B/W printer
ZEBRA_BG = colors.HexColor("#f3f5f7")
UNMET_BG = colors.HexColor("#f6c9c4")  # prints as a mid grey
UNKNOWN_BG = colors.HexColor("#fbeeb8")
TOTAL_BG = colors.HexColor("#e8e8e8")
MUTED = colors.HexColor("#555555")

# Full-width punctuation that must not begin a line. reportlab's list (textsplit) has 、。）」
# but misses ，；：！？》 (docs/domain.md), so a line could start with a comma.
NO_LINE_START = "，；：！？》）、。」』】〉…％"


def install_cjk_line_rules() -> None:
    """Add NO_LINE_START to reportlab's no-line-start set (idempotent, called by make_styles)."""
    import reportlab.lib.textsplit as textsplit
    import reportlab.platypus.paragraph as paragraph

    missing = "".join(ch for ch in NO_LINE_START if ch not in textsplit.ALL_CANNOT_START)
    if missing:
        textsplit.ALL_CANNOT_START += missing
    # paragraph.py imported the string by value; point it at the extended one.
    paragraph.ALL_CANNOT_START = textsplit.ALL_CANNOT_START


class Para(Paragraph):
    """A Paragraph that remembers its line breaks per width.

    A table row is wrapped several times before it is drawn (to size the row, again when the
    table splits at a page end, again by KeepInFrame, again when drawn), and breaking CJK text
    into lines is what a long wall chart spends most of its time on. The lines depend only on
    the width (and the text and style, which do not change), so each width is broken once.
    """

    def wrap(self, availWidth, availHeight):
        cache = self.__dict__.setdefault("_lines_by_width", {})
        hit = cache.get(availWidth)
        if hit is not None:
            self.width, self.height, self._wrapWidths, self.blPara = hit
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        if availWidth >= 1e-6:  # (reportlab's "cannot fit" answer sets no lines)
            cache[availWidth] = (self.width, self.height, self._wrapWidths, self.blPara)
        return size


class StrokedParagraph(Para):
    """A Paragraph drawn heavier by also stroking the glyph outlines (the font has no bold)."""

    def draw(self):
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(self.style.textColor)
        canv.setLineWidth(self.style.fontSize * 0.04)
        canv.addLiteral("2 Tr")  # text render mode: fill, then stroke
        super().draw()
        canv.restoreState()


@dataclass
class Styles:
    """The styles of one report, for one base size (pt) and one frame (width, height in pt)."""

    base: float
    width: float
    height: float
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_small: ParagraphStyle
    head: ParagraphStyle
    mark: ParagraphStyle
    big_name: ParagraphStyle
    # Every text p, line, strong and p_with_note print goes through it first: a public notice
    # sets reports.privacy.scrub_ids (ID numbers masked in any free text). It must keep each
    # character's position (scrub_ids stars digits).
    scrub: Callable[[str], str] | None = None

    def em(self, n: float) -> float:
        """n times the base size, in points: column widths are given in em."""
        return n * self.base

    def plain(self, text) -> str:
        """`text` as this report may print it: a str, through `scrub` if set."""
        s = "" if text is None else str(text)
        return self.scrub(s) if self.scrub is not None else s

    def p(self, text, style: ParagraphStyle | None = None) -> Paragraph:
        """A wrapping cell or line of plain text (escaped; newlines kept)."""
        return Para(_markup(self.plain(text)), style or self.cell)

    def p_with_note(self, text, note, style: ParagraphStyle | None = None) -> Paragraph:
        """`text` and, on a line below in smaller type, `note` (the 社 under a head's name).
        The two are scrubbed as one text: a number cut across them is still seen whole."""
        text, note = ("" if text is None else str(text)), ("" if note is None else str(note))
        if not note:
            return self.p(text, style)
        both = self.plain(f"{text}\n{note}")
        head, tail = both[: len(text)], both[len(text) + 1 :]
        small = f"<font size={self.base * 0.8:.1f}>{_markup(tail)}</font>"
        return Para(f"{_markup(head)}<br/>{small}", style or self.cell)

    def line(self, text, style: ParagraphStyle, room: float):
        """`text` as a plain string when it fits on one line `room` points wide, else a wrapping
        paragraph. A table draws a string cell without laying out a paragraph, which is most
        of the cost of a long chart; the table must style those cells like `style`
        (string_cells)."""
        s = self.plain(text)
        if "\n" not in s and stringWidth(s, style.fontName, style.fontSize) <= room:
            return s
        return self.p(s, style)  # (scrub_ids again is a no-op)

    def strong(self, text, style: ParagraphStyle | None = None) -> Paragraph:
        return StrokedParagraph(escape(self.plain(text)), style or self.h1)


def _markup(text: str) -> str:
    """Plain text as paragraph markup: escaped, its newlines kept."""
    return escape(text).replace("\n", "<br/>")


def string_cells(first, last, style: ParagraphStyle) -> list:
    """Table commands that draw the plain-string cells first..last like `style` would."""
    align = {TA_CENTER: "CENTER", TA_RIGHT: "RIGHT"}.get(style.alignment, "LEFT")
    return [
        ("FONTSIZE", first, last, style.fontSize),
        ("LEADING", first, last, style.leading),
        ("ALIGN", first, last, align),
        ("TEXTCOLOR", first, last, style.textColor),
    ]


def make_styles(base: float, width: float, height: float = 10_000, font: str = FAMILY) -> Styles:
    """Styles for base size `base` pt and a frame of width × height pt (fonts registered)."""
    install_cjk_line_rules()

    def style(name, size, leading=1.3, align=TA_LEFT, color=INK, **kw):
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=size * leading,
            alignment=align,
            textColor=color,
            wordWrap="CJK",
            **kw,
        )

    return Styles(
        base=base,
        width=width,
        height=height,
        title=style("title", base * 2.2, 1.25, TA_CENTER, spaceAfter=base * 0.3),
        subtitle=style("subtitle", base * 1.15, 1.3, TA_CENTER, spaceAfter=base * 0.6),
        h1=style("h1", base * 1.35, 1.3, spaceBefore=base * 0.9, spaceAfter=base * 0.45),
        body=style("body", base, 1.5, spaceAfter=base * 0.3),
        small=style("small", base * 0.8, 1.35, color=MUTED),
        cell=style("cell", base, 1.25),
        cell_center=style("cell_center", base, 1.25, TA_CENTER),
        cell_right=style("cell_right", base, 1.25, TA_RIGHT),
        cell_small=style("cell_small", base * 0.82, 1.25),
        head=style("head", base * 0.92, 1.2, TA_CENTER),
        mark=style("mark", base * 1.3, 1.1, TA_CENTER),
        big_name=style("big_name", base * 1.15, 1.2, TA_CENTER),
    )


def table(rows, widths, cmds=(), font: str = FAMILY, **kw) -> Table:
    """A Table whose empty cells also use the CJK font (reportlab's default cell font is
    Helvetica, which would be named, unembedded, on every page)."""
    return Grid(
        rows,
        colWidths=widths,
        style=TableStyle([("FONTNAME", (0, 0), (-1, -1), font), *cmds]),
        **kw,
    )


def grid_table(
    rows, widths, styles: Styles, *, header_rows=1, zebra=True, extra=(), paged: bool = False
):
    """A bordered table whose first `header_rows` rows are shaded and repeat on every page."""
    cmds = [
        ("GRID", (0, 0), (-1, -1), max(0.4, styles.base * 0.045), GRID),
        ("BOX", (0, 0), (-1, -1), max(0.8, styles.base * 0.09), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), styles.base * 0.25),
        ("RIGHTPADDING", (0, 0), (-1, -1), styles.base * 0.25),
        ("TOPPADDING", (0, 0), (-1, -1), styles.base * 0.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), styles.base * 0.3),
    ]
    if header_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG))
    if zebra:
        for r in range(header_rows + 1, len(rows), 2):
            cmds.append(("BACKGROUND", (0, r), (-1, r), ZEBRA_BG))
    cmds.extend(extra)
    # Rows never split (reportlab's splitInRow garbles repeated headers and middle-aligned
    # cells); a text that could outgrow a page is cut into continuation rows instead
    # (common.chunk_rows) and nested tables are held to a page by common.fit.
    if paged:  # a long table: measured once, a Table per page (reports.longtable)
        return PagedTable(
            rows, widths, [("FONTNAME", (0, 0), (-1, -1), FAMILY), *cmds], header_rows
        )
    return table(rows, widths, cmds, repeatRows=header_rows, hAlign="CENTER")
