"""Page furniture (title, village, 第 n / N 页) and building a story into a PDF, tiled or not."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from reportlab.lib.colors import black
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from forms.criteria.batch import paused_gc

from .fonts import FAMILY, register_fonts
from .sheet import NumberedCanvas, page_margin, page_size
from .styles import GRID, MUTED, Styles, make_styles
from .tile import TilingCanvas
from .write import write_pdf


@dataclass
class Furniture:
    """What every page shows around the story."""

    title: str = ""  # top centre: the report, e.g. "石门村精准扶贫施工图"
    place: str = ""  # top left: 县 乡 村
    period: str = ""  # top right: "2017年度"
    footer: str = ""  # bottom left: who made it and when


class ReportDoc(BaseDocTemplate):
    """One frame per page; furniture drawn by the PageTemplate's onPage."""

    HEADER, FOOTER = 2.4, 2.0  # bands above and below the frame, in furniture sizes

    def __init__(self, filename, pagesize, furniture: Furniture, furniture_size: float, **kw):
        self.margin = page_margin(pagesize)
        self.fsize = furniture_size
        header_h, footer_h = furniture_size * self.HEADER, furniture_size * self.FOOTER
        super().__init__(
            filename,
            pagesize=pagesize,
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=self.margin + header_h,
            bottomMargin=self.margin + footer_h,
            title=furniture.title,
            author="驻村帮扶工作队",
            creator="fupin reports",
            # the canvas' initial font, else every page names unembedded Helvetica
            initialFontName=FAMILY,
            **kw,
        )
        self.furniture = furniture
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._furniture)])

    def _furniture(self, canv: Canvas, doc) -> None:
        w, h = self.pagesize
        m, fs, f = self.margin, self.fsize, self.furniture
        canv.saveState()
        canv.setFont(FAMILY, fs)
        canv.setFillColor(MUTED)
        top = h - m - fs
        title_half = stringWidth(f.title, FAMILY, fs * 1.1) / 2
        room = w / 2 - title_half - m - fs  # left of the centred title, with a gap
        _fitted(canv, m, top, f.place, fs, room)
        _fitted(canv, w - m, top, f.period, fs, room, right=True)
        canv.setFillColor(black)
        canv.setFont(FAMILY, fs * 1.1)
        canv.drawCentredString(w / 2, top, f.title)
        canv.setStrokeColor(GRID)
        canv.setLineWidth(max(0.5, fs * 0.05))
        canv.line(m, top - fs * 0.6, w - m, top - fs * 0.6)
        canv.setFillColor(MUTED)
        label = stringWidth("第 999 / 999 页", FAMILY, fs)  # the page label at the right
        _fitted(canv, m, m + fs * 0.3, f.footer, fs * 0.9, w - 2 * m - label - fs)
        canv.restoreState()


def _fitted(
    canv: Canvas, x: float, y: float, text: str, size: float, room: float, right: bool = False
) -> None:
    """Draw text within `room` points: a smaller size first (down to 70%), then cut with …,
    so a long village name never runs into the title or the page number."""
    width = stringWidth(text, FAMILY, size)
    if width > room > 0:
        size = max(size * 0.7, size * room / width)
        while text and stringWidth(text, FAMILY, size) > room:
            text = text[:-2] + "…"
    canv.setFont(FAMILY, size)
    (canv.drawRightString if right else canv.drawString)(x, y, text)


@dataclass
class Layout:
    """A report's page: sheet size and the frame width its columns are fitted to."""

    size: tuple[float, float]
    width: float

    @classmethod
    def of(cls, paper: str, landscape: bool) -> "Layout":
        size = page_size(paper, landscape)
        return cls(size, size[0] - 2 * page_margin(size))


def render_story(
    out_path,
    story_fn: Callable[[Styles], list],
    furniture: Furniture,
    *,
    paper: str,
    landscape: bool,
    ems: float,
    base_size: float | None = None,
    max_base: float | None = None,
    tile_paper: str | None = None,
    overlap_mm: float = 10.0,
) -> Path:
    """Lay out story_fn(styles) on `paper` and write it to out_path atomically.

    The base font size is the frame width divided by `ems` (each report's columns are sized in
    em), so a sheet twice as wide prints everything twice as large, up to `max_base` (beyond
    it a wider sheet gives wider text columns and more rows per page instead). With
    `tile_paper`, each big page is also cut into overlapping tiles of that paper (reports.tile).
    """
    # tens of thousands of live flowables: see paused_gc (measured 1.05 s → 0.93 s)
    with paused_gc():
        return _render_story(
            out_path,
            story_fn,
            furniture,
            paper=paper,
            landscape=landscape,
            ems=ems,
            base_size=base_size,
            max_base=max_base,
            tile_paper=tile_paper,
            overlap_mm=overlap_mm,
        )


def _render_story(
    out_path,
    story_fn,
    furniture: Furniture,
    *,
    paper,
    landscape,
    ems,
    base_size,
    max_base,
    tile_paper,
    overlap_mm,
) -> Path:
    register_fonts()
    layout = Layout.of(paper, landscape)
    base = layout.width / ems if max_base is None else min(layout.width / ems, max_base)
    base = base_size or base
    fsize = max(7.0, base * 0.8)
    height = (
        layout.size[1]
        - 2 * page_margin(layout.size)
        - fsize * (ReportDoc.HEADER + ReportDoc.FOOTER)
    )
    styles = make_styles(base, layout.width, height)
    story = story_fn(styles)  # built before the file is touched
    label = dict(label_size=fsize, label_y=page_margin(layout.size) + fsize * 0.3)
    if tile_paper:
        maker = partial(
            TilingCanvas,
            tile_paper=tile_paper,
            overlap=overlap_mm * mm,
            tile_title=furniture.title,
            **label,
        )
    else:
        maker = partial(NumberedCanvas, **label)

    def build(tmp_path: Path) -> None:
        doc = ReportDoc(str(tmp_path), layout.size, furniture, fsize)
        doc.build(story, canvasmaker=maker)

    return write_pdf(out_path, build)
