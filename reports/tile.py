"""Cut large chart pages into overlapping A4/A3 tiles with crop marks and row/column labels."""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import FAMILY
from .sheet import NumberedCanvas, page_size
from .styles import GRID, HEAD_BG, MUTED

TILE_MARGIN = 12 * mm  # printers cannot print the outer ~5 mm; marks and labels live here


@dataclass(frozen=True)
class Tile:
    """The part of a big page one sheet shows, in big-page points (PDF y axis points up)."""

    row: int  # 1 = top row of the chart
    col: int  # 1 = left column
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class TilePlan:
    sheet: tuple[float, float]  # the tile paper, in the orientation chosen
    margin: float
    overlap: float
    rows: int
    cols: int
    tiles: tuple[Tile, ...]

    @property
    def area(self) -> tuple[float, float]:
        return self.sheet[0] - 2 * self.margin, self.sheet[1] - 2 * self.margin


def _grid(big_w, big_h, area_w, area_h, overlap) -> tuple[int, int, tuple[Tile, ...]]:
    step_w, step_h = area_w - overlap, area_h - overlap
    if step_w <= 0 or step_h <= 0:
        raise ValueError("overlap is larger than the printable area of a tile")
    cols = 1 + math.ceil(max(0.0, big_w - area_w) / step_w - 1e-9)
    rows = 1 + math.ceil(max(0.0, big_h - area_h) / step_h - 1e-9)
    tiles = []
    for r in range(rows):
        top = big_h - r * step_h
        for c in range(cols):
            left = c * step_w
            tiles.append(Tile(r + 1, c + 1, left, top - area_h, left + area_w, top))
    return rows, cols, tuple(tiles)


def plan_tiles(
    big: tuple[float, float],
    tile_paper: str = "A4",
    overlap: float = 10 * mm,
    margin: float = TILE_MARGIN,
) -> TilePlan:
    """Tiles for one big page: the tile orientation that needs fewer sheets (ties: the big
    page's orientation). Neighbours share an `overlap`-wide strip so sheets can be glued."""
    best = None
    for landscape in (big[0] > big[1], big[0] <= big[1]):
        sheet = page_size(tile_paper, landscape)
        rows, cols, tiles = _grid(
            big[0], big[1], sheet[0] - 2 * margin, sheet[1] - 2 * margin, overlap
        )
        if best is None or rows * cols < best.rows * best.cols:
            best = TilePlan(sheet, margin, overlap, rows, cols, tiles)
    return best


def uncovered(rects, width: float, height: float) -> list[tuple[float, float]]:
    """Points of the page [0,width]×[0,height] that no rect (x0, y0, x1, y1) covers.

    Exact for axis-aligned rects: the rects' edges cut the page into cells, each cell is either
    wholly covered or not, and the centre of every uncovered cell is returned.
    """
    xs = sorted({0.0, width, *(min(max(v, 0), width) for r in rects for v in (r[0], r[2]))})
    ys = sorted({0.0, height, *(min(max(v, 0), height) for r in rects for v in (r[1], r[3]))})
    holes = []
    for xa, xb in zip(xs, xs[1:]):
        for ya, yb in zip(ys, ys[1:]):
            if xb - xa < 1e-6 or yb - ya < 1e-6:
                continue
            cx, cy = (xa + xb) / 2, (ya + yb) / 2
            if not any(r[0] <= cx <= r[2] and r[1] <= cy <= r[3] for r in rects):
                holes.append((cx, cy))
    return holes


class TilingCanvas(NumberedCanvas):
    """A canvas that turns each finished big page into one form XObject and places it on every
    tile sheet with clipPath + translate + doForm (the page is stored once, not once per tile)."""

    def __init__(
        self,
        *args,
        tile_paper: str = "A4",
        overlap: float = 10 * mm,
        tile_title: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._tile_paper = tile_paper
        self._overlap = overlap
        self._tile_title = tile_title
        self.plans: list[TilePlan] = []

    def emit_page(self, n: int, total: int) -> None:
        big = tuple(self._pagesize)
        name = f"bigpage{n}"
        # The held page's code becomes the form's stream (what beginForm would have collected).
        self.push_state_stack()
        self._formData = (name, 0, 0, big[0], big[1])
        self._doc.inForm()
        self.endForm()
        plan = plan_tiles(big, self._tile_paper, self._overlap)
        assert not uncovered([(t.x0, t.y0, t.x1, t.y1) for t in plan.tiles], *big)
        self.plans.append(plan)
        self.setPageSize(plan.sheet)
        for tile in plan.tiles:
            self._draw_tile(name, plan, tile, n, total)
            Canvas.showPage(self)

    def _draw_tile(self, form: str, plan: TilePlan, t: Tile, n: int, total: int) -> None:
        m, (aw, ah), ov = plan.margin, plan.area, plan.overlap
        self.saveState()
        clip = self.beginPath()
        clip.rect(m, m, aw, ah)
        self.clipPath(clip, stroke=0, fill=0)
        self.translate(m - t.x0, m - t.y0)
        self.doForm(form)
        self.restoreState()

        self.saveState()
        self.setStrokeColor(GRID)
        self.setLineWidth(0.4)
        gap, length = 1.5 * mm, m - 4 * mm
        for x, y, dx, dy in (
            (m, m, -1, -1),
            (m + aw, m, 1, -1),
            (m, m + ah, -1, 1),
            (m + aw, m + ah, 1, 1),
        ):  # crop marks at the four corners
            self.line(x + dx * gap, y, x + dx * (gap + length), y)
            self.line(x, y + dy * gap, x, y + dy * (gap + length))
        self.setDash(2, 2)
        if t.col < plan.cols:  # where the right-hand neighbour's cut edge lands
            x = m + aw - ov
            self.line(x, m - gap, x, m - gap - length)
            self.line(x, m + ah + gap, x, m + ah + gap + length)
        if t.row < plan.rows:  # where the neighbour below lands
            y = m + ov
            self.line(m - gap, y, m - gap - length, y)
            self.line(m + aw + gap, y, m + aw + gap + length, y)
        self.restoreState()

        size = 8
        self.setFont(FAMILY, size)
        self.setFillColor(MUTED)
        base_y = m - gap - size
        self.drawString(
            m + length,
            base_y,
            f"{self._tile_title}　第{t.row}行 / 第{t.col}列"
            f"（共{plan.rows}行×{plan.cols}列）　大图第{n}/{total}页",
        )
        self.drawString(
            m + length,
            m + ah + gap + 1 * mm,
            f"相邻图块重叠{ov / mm:.0f}毫米：剪去左、上白边，对准虚线拼贴",
        )
        self._draw_minimap(plan, t, m + aw - length, m + ah + gap + 1 * mm)

    def _draw_minimap(self, plan: TilePlan, t: Tile, right: float, bottom: float) -> None:
        """A small grid of all tiles with this one filled, in the top margin."""
        cell = min(3 * mm, (TILE_MARGIN - 4 * mm) / max(plan.rows, 1))
        left = right - cell * plan.cols
        self.saveState()
        self.setLineWidth(0.3)
        self.setStrokeColor(GRID)
        for r in range(plan.rows):
            for c in range(plan.cols):
                here = (r + 1, c + 1) == (t.row, t.col)
                self.setFillColor(GRID if here else HEAD_BG)
                self.rect(
                    left + c * cell,
                    bottom + (plan.rows - 1 - r) * cell,
                    cell,
                    cell,
                    stroke=1,
                    fill=1,
                )
        self.restoreState()
