"""Fixtures for the report tests: a realistic sample village and PDF read-back helpers."""

from __future__ import annotations

import copy
import re

import pytest
from pypdf import PdfReader

from reports.fonts import register_fonts
from reports.model import VillageReportData

from .sample import sample_village

ID18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


@pytest.fixture(scope="session", autouse=True)
def _fonts():
    register_fonts()


@pytest.fixture(scope="session")
def _sample45() -> VillageReportData:
    return sample_village(45)


@pytest.fixture
def sample(_sample45) -> VillageReportData:
    """45 households of 石门村, 2017 (a fresh copy: a test may change it)."""
    return copy.deepcopy(_sample45)


@pytest.fixture
def empty_sample() -> VillageReportData:
    """A village with its header filled in and nothing else."""
    v = sample_village(0)
    v.village_criteria, v.measures, v.visits, v.status_changes = [], [], [], []
    return v


def pages_text(path) -> list[str]:
    """The extracted text of each page (pypdf reads the embedded TrueType subsets)."""
    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


def all_text(path) -> str:
    return "\n".join(pages_text(path))


def flat(text: str) -> str:
    """Text without the line breaks and spaces extraction puts inside wrapped cells."""
    return re.sub(r"\s+", "", text)


def page_count(path) -> int:
    return len(PdfReader(str(path)).pages)


def fonts_of(path) -> dict[str, str | None]:
    """Every font any page (or form XObject) uses → the key of its embedded program
    ("/FontFile2" for TrueType) or None when it is not embedded."""
    seen: dict[str, str | None] = {}

    def walk(resources):
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            keys = desc.get_object().keys() if desc is not None else ()
            seen[str(font["/BaseFont"])] = next(
                (k for k in ("/FontFile2", "/FontFile", "/FontFile3") if k in keys), None
            )
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            if xobj.get("/Subtype") == "/Form":
                walk(xobj.get("/Resources"))

    for page in PdfReader(str(path)).pages:
        walk(page.get("/Resources"))
    return seen


def assert_cjk_pdf(path, *expected: str) -> str:
    """A readable PDF: every font an embedded TrueType subset (FontFile2) of the bundled
    WenQuanYi font, and the expected Chinese text present. Returns the flattened text."""
    fonts = fonts_of(path)
    assert fonts, f"{path}: no fonts"
    assert all(v == "/FontFile2" for v in fonts.values()), f"not embedded TrueType: {fonts}"
    assert all("WenQuanYi" in name for name in fonts), fonts
    text = flat(all_text(path))
    for e in expected:
        assert flat(e) in text, f"{e!r} not in {path}"
    return text
