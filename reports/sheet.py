"""Paper sizes, margins and the canvas that numbers its pages (第 n / N 页)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A1, A2, A3, A4
from reportlab.lib.pagesizes import landscape as _landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import FAMILY
from .styles import MUTED

PAPERS = {"A4": A4, "A3": A3, "A2": A2, "A1": A1}


def page_size(paper: str = "A4", landscape: bool = False) -> tuple[float, float]:
    """(width, height) in points of an A-series sheet, portrait or landscape."""
    try:
        size = PAPERS[str(paper).upper()]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}; one of {', '.join(PAPERS)}") from None
    return _landscape(size) if landscape else size


def page_margin(size: tuple[float, float]) -> float:
    """Margin grows with the sheet: 10 mm on A4 (printers' dead zone), ~27 mm on A1."""
    return max(10 * mm, min(size) * 0.045)


class NumberedCanvas(Canvas):
    """Holds pages back until the end so each can say "第 n / N 页"."""

    def __init__(self, *args, label_size: float = 9, label_y: float = 20, **kwargs):
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict] = []
        self._label_size = label_size
        self._label_y = label_y

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def draw_page_label(self, n: int, total: int) -> None:
        self.saveState()
        self.setFont(FAMILY, self._label_size)
        self.setFillColor(MUTED)
        # at the right margin: the footer on the left may be long (a long village name)
        self.drawRightString(
            self._pagesize[0] - page_margin(self._pagesize), self._label_y, f"第 {n} / {total} 页"
        )
        self.restoreState()

    def emit_page(self, n: int, total: int) -> None:
        """Write held page n (its state is current) to the file."""
        Canvas.showPage(self)

    def save(self):
        total = len(self._held_pages)
        for n, state in enumerate(self._held_pages, 1):
            self.__dict__.update(state)
            self.draw_page_label(n, total)
            self.emit_page(n, total)
        Canvas.save(self)
