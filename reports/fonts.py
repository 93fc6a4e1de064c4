"""Register the bundled CJK TrueType font with reportlab, by an explicit call (never at import)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "WQY"
# The font has one weight: <b> maps to the same face (one embedded subset, not two); titles
# are made heavier by stroking the glyph outlines, see styles.StrokedParagraph.
DEFAULT_FONT = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "wqy-microhei.ttc"


def register_fonts(path: str | Path | None = None) -> str:
    """Register WenQuanYi Micro Hei as FAMILY once; return the family name.

    reportlab embeds TrueType outlines only (Noto CJK's CFF outlines fail), so the .ttc's first
    face (subfontIndex=0) is used; each PDF embeds a subset of it.
    """
    if FAMILY in pdfmetrics.getRegisteredFontNames():
        return FAMILY
    font_path = Path(path) if path else DEFAULT_FONT
    if not font_path.is_file():
        raise FileNotFoundError(f"CJK font not found: {font_path}")
    pdfmetrics.registerFont(TTFont(FAMILY, str(font_path), subfontIndex=0))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FAMILY, bold, italic, FAMILY)
    return FAMILY


def missing_glyphs(chars: str, font: str = FAMILY) -> str:
    """The characters of `chars` the registered font cannot draw ('' when it has them all)."""
    face = pdfmetrics.getFont(font).face
    return "".join(ch for ch in chars if not ch.isspace() and ord(ch) not in face.charToGlyph)
