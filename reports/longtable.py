"""Tables laid out once: Grid per width, PagedTable (a long table) one page at a time.

reportlab splits a long Table at each page end by building a new Table of all the rows that
remain, restyling and re-measuring them; for a 500-household wall chart of 50 pages that is
quadratic and was a fifth of the render time. PagedTable measures every row once, then hands
the frame one Table per page (the header rows repeated, the row heights given), drawn exactly
as reportlab's own split would draw them. Every table of the reports is a Grid
(reports.styles.table, grid_table).
"""

from __future__ import annotations

from reportlab.platypus import Flowable, Table

_FUZZ = 1e-6


class Grid(Table):
    """A Table that does not lay itself out again for the same width.

    A frame wraps a table and then, when it is too tall, splits it in the same room; a nested
    table is measured by its row, by KeepInFrame and again when drawn. The cells and styles
    are fixed once built, so the layout depends only on the width — and on the height only
    while reportlab's long-table shortcut stops measuring rows at the bottom of the room. A
    layout of every row is therefore valid for any height at the same width.
    """

    def _calc(self, availWidth, availHeight):
        done = getattr(self, "_laid_out", None)
        if done is not None and done[0] == availWidth and (done[1] or done[2] == availHeight):
            return
        super()._calc(availWidth, availHeight)
        self._laid_out = (availWidth, self._hmax == self._nrows, availHeight)


def _rows_of(cmd, nrows: int) -> tuple[int, int]:
    (_, r0), (_, r1) = cmd[1], cmd[2]
    return (r0 + nrows if r0 < 0 else r0), (r1 + nrows if r1 < 0 else r1)


def _restyle(cmds, nrows: int, header: int, start: int, stop: int) -> list:
    """The commands of the whole table for a table of the header rows and rows start..stop-1
    (absolute row numbers), each command cut to the rows it keeps and renumbered."""
    out = []
    keep_body = stop - start
    for cmd in cmds:
        if isinstance(cmd[1][1], str) or isinstance(cmd[2][1], str):
            out.append(cmd)  # reportlab's "splitfirst"/"splitlast" rows: unused here
            continue
        r0, r1 = _rows_of(cmd, nrows)
        parts = []
        h0, h1 = max(r0, 0), min(r1, header - 1)
        if h0 <= h1:
            parts.append((h0, h1))
        b0, b1 = max(r0, start), min(r1, stop - 1)
        if b0 <= b1:
            parts.append((header + b0 - start, header + b1 - start))
        if len(parts) == 2 and parts[0][1] + 1 == parts[1][0]:
            parts = [(parts[0][0], parts[1][1])]
        if cmd[0] == "SPAN" and len(parts) > 1:
            continue  # a span cut in two is no span (none crosses the header line)
        parts = [(a, b) for a, b in parts if keep_body or a < header]
        if cmd[0] in ("BOX", "OUTLINE") and r1 >= stop and parts:
            # A box the page end cuts keeps its top and sides but no bottom, as reportlab's
            # own split draws it: the rows go on over the page.
            (c0, _), (c1, _) = cmd[1], cmd[2]
            top = parts[0][0] if (r0 < header or r0 >= start) else None
            if top is not None:
                out.append(("LINEABOVE", (c0, top), (c1, top), *cmd[3:]))
            for side, col in (("LINEBEFORE", c0), ("LINEAFTER", c1)):
                out.extend((side, (col, a), (col, b), *cmd[3:]) for a, b in parts)
            continue
        for a, b in parts:
            out.append((cmd[0], (cmd[1][0], a), (cmd[2][0], b), *cmd[3:]))
    return out


class PagedTable(Flowable):
    """rows (the first `header` of them repeated on every page), colWidths and TableStyle
    commands as for a Table; `start` is used by the pieces a split returns."""

    def __init__(
        self,
        rows,
        widths,
        cmds,
        header: int = 1,
        *,
        hAlign: str = "CENTER",
        start: int | None = None,
        _heights: dict | None = None,
    ):
        super().__init__()
        self.rows, self.widths, self.cmds, self.header = rows, list(widths), list(cmds), header
        self.start = header if start is None else start
        self.hAlign = hAlign
        self._heights = _heights if _heights is not None else {}  # width -> row heights
        self._avail_width = None

    def _measure(self, availWidth) -> list[float]:
        """Every row's height at this width, by one reportlab layout of the whole table."""
        heights = self._heights.get(availWidth)
        if heights is None:
            whole = Grid(
                self.rows,
                colWidths=self.widths,
                style=self.cmds,
                repeatRows=self.header,
                hAlign=self.hAlign,
            )
            whole._longTableOptimize = 0
            whole.wrapOn(self.canv, availWidth, 1e9)
            heights = self._heights[availWidth] = list(whole._rowHeights)
        return heights

    def _table(self, heights, stop: int) -> Grid:
        rows = self.rows[: self.header] + self.rows[self.start : stop]
        cmds = _restyle(self.cmds, len(self.rows), self.header, self.start, stop)
        return Grid(
            rows,
            colWidths=self.widths,
            style=cmds,
            repeatRows=self.header,
            hAlign=self.hAlign,
            rowHeights=heights[: self.header] + heights[self.start : stop],
        )

    def wrap(self, availWidth, availHeight):
        self._avail_width = availWidth
        heights = self._measure(availWidth)
        self.width = sum(self.widths)
        self.height = sum(heights[: self.header]) + sum(heights[self.start :])
        return self.width, self.height

    def split(self, availWidth, availHeight):
        heights = self._measure(availWidth)
        room = availHeight - sum(heights[: self.header]) + _FUZZ
        stop = self.start
        while stop < len(self.rows) and heights[stop] <= room:
            room -= heights[stop]
            stop += 1
        if stop == self.start:
            return []  # not even one row here: the frame tries the next page
        first = self._table(heights, stop)
        if stop == len(self.rows):
            return [first]
        rest = PagedTable(
            self.rows,
            self.widths,
            self.cmds,
            self.header,
            hAlign=self.hAlign,
            start=stop,
            _heights=self._heights,
        )
        return [first, rest]

    def drawOn(self, canvas, x, y, _sW=0):
        """All the remaining rows fit (the frame wrapped us first): draw them as one Table."""
        table = self._table(self._measure(self._avail_width), len(self.rows))
        table.wrapOn(canvas, self._avail_width, self.height)
        table.drawOn(canvas, x, y, _sW)
