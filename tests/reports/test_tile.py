"""Tiling: the big chart on one large sheet, and the same chart cut into A4/A3 sheets that
together cover every point of it."""

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.units import mm

from reports.pages import page_size
from reports.plan import render_plan
from reports.tile import plan_tiles, uncovered

from .conftest import assert_cjk_pdf, flat


@pytest.mark.parametrize(
    "big", [("A1", True), ("A1", False), ("A2", True), ("A3", True), ("A4", False)]
)
@pytest.mark.parametrize("tile", ["A4", "A3"])
@pytest.mark.parametrize("overlap", [0, 10, 25])
def test_tile_plans_cover_the_page_and_neighbours_overlap(big, tile, overlap):
    size = page_size(*big)
    plan = plan_tiles(size, tile, overlap * mm)
    assert uncovered([(t.x0, t.y0, t.x1, t.y1) for t in plan.tiles], *size) == []
    assert len(plan.tiles) == plan.rows * plan.cols
    grid = {(t.row, t.col): t for t in plan.tiles}
    for (r, c), t in grid.items():
        if (r, c + 1) in grid:
            assert grid[r, c + 1].x0 == pytest.approx(t.x1 - overlap * mm)
        if (r + 1, c) in grid:
            assert grid[r + 1, c].y1 == pytest.approx(t.y0 + overlap * mm)


def test_the_coverage_check_finds_a_hole():
    plan = plan_tiles(page_size("A2", True), "A4")
    rects = [(t.x0, t.y0, t.x1, t.y1) for t in plan.tiles]
    assert uncovered(rects[:-1], *page_size("A2", True)) != []
    assert uncovered([(0, 0, 10, 10)], 10, 20) == [(5.0, 15.0)]


def _placements(reader):
    """For each tile page: (form name, rect of the big page it shows), read from the page's
    own operators: the clip rectangle moved back by the translation before `Do`."""
    out = []
    for page in reader.pages:
        ops = ContentStream(page.get_contents(), reader).operations
        clip = shift = form = None
        for i, (args, op) in enumerate(ops):
            if op == b"re" and clip is None and i + 1 < len(ops) and ops[i + 1][1] in (b"W", b"W*"):
                clip = [float(a) for a in args]
            elif op == b"cm" and clip is not None and shift is None:
                shift = (float(args[4]), float(args[5]))
            elif op == b"Do" and clip is not None:
                form = str(args[0])
                break
        assert clip and shift and form, "a tile page without clip + translate + Do"
        x, y, w, h = clip
        out.append((form, (x - shift[0], y - shift[1], x + w - shift[0], y + h - shift[1])))
    return out


def test_tiled_plan_covers_the_whole_chart_and_labels_each_sheet(tmp_path, sample):
    big = render_plan(sample, tmp_path / "big.pdf", paper="A2")
    tiles = render_plan(sample, tmp_path / "tiles.pdf", paper="A2", tile_paper="A4")
    big_pages = len(PdfReader(str(big)).pages)
    reader = PdfReader(str(tiles))
    plan = plan_tiles(page_size("A2", True), "A4", 10 * mm)
    # Then: one sheet per tile per big page, each A4
    assert len(reader.pages) == big_pages * plan.rows * plan.cols
    assert {tuple(round(float(v)) for v in p.mediabox[2:]) for p in reader.pages} <= {
        (595, 842),
        (842, 595),
    }
    # and, read back from the sheets themselves, the tiles of each big page cover all of it
    by_form = {}
    for form, rect in _placements(reader):
        by_form.setdefault(form, []).append(rect)
    assert len(by_form) == big_pages
    for form, rects in by_form.items():
        xobj = next(
            p["/Resources"]["/XObject"][form].get_object()
            for p in reader.pages
            if form in p["/Resources"].get("/XObject", {})
        )
        bbox = [float(v) for v in xobj["/BBox"]]
        assert bbox[:2] == [0, 0]
        assert uncovered(rects, bbox[2], bbox[3]) == [], form
    # Each big page is stored once, as a form, and shared by its tiles.
    refs = {
        p["/Resources"]["/XObject"].raw_get(f).idnum
        for p in reader.pages
        for f in p["/Resources"]["/XObject"]
    }
    assert len(refs) == big_pages
    assert_cjk_pdf(tiles)
    # (text of a tile includes its whole big page, so read only the sheets the test needs)
    first, last = (flat(reader.pages[i].extract_text()) for i in (0, plan.rows * plan.cols - 1))
    assert "石门村2017年精准扶贫施工图" in first and "贫困村脱贫目标" in first
    assert f"第1行/第1列（共{plan.rows}行×{plan.cols}列）大图第1/{big_pages}页" in first
    assert f"第{plan.rows}行/第{plan.cols}列" in last and "重叠10毫米" in last


def test_a_village_of_400_households_tiles_onto_a3(tmp_path):
    from .sample import sample_village

    village = sample_village(400, seed=400)
    tiles = render_plan(village, tmp_path / "a3.pdf", paper="A1", tile_paper="A3")
    reader = PdfReader(str(tiles))
    plan = plan_tiles(page_size("A1", True), "A3", 10 * mm)
    forms = {form for form, _ in _placements(reader)}
    assert len(forms) > 1
    assert len(reader.pages) == len(forms) * plan.rows * plan.cols
    last = flat(reader.pages[-1].extract_text())
    assert (
        f"第{plan.rows}行/第{plan.cols}列" in last and f"大图第{len(forms)}/{len(forms)}页" in last
    )
