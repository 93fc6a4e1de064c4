"""Page furniture: every page names the report, the village and "第 n / N 页"."""

import pytest

from reports.ledger import render_ledger
from reports.pages import page_size
from reports.progress import render_progress

from .conftest import flat, pages_text


@pytest.mark.parametrize(
    "render,title",
    [(render_ledger, "石门村精准扶贫工作台账"), (render_progress, "石门村精准扶贫进度表")],
)
def test_every_page_has_title_village_and_page_n_of_total(tmp_path, sample, render, title):
    pages = [flat(t) for t in pages_text(render(sample, tmp_path / "r.pdf"))]
    assert len(pages) >= 3
    for n, text in enumerate(pages, 1):
        assert text.startswith("安定区香泉镇石门村2017年度" + title), text[:40]
        assert f"第{n}/{len(pages)}页" in text
        assert "制表：石门村驻村帮扶工作队" in text


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError):
        page_size("B5")
    assert page_size("a4") == page_size("A4")
