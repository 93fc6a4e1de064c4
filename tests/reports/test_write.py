"""A report file is written whole or not at all."""

import os
import stat

import pytest

from reports.plan import render_plan
from reports.write import write_pdf


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".part")]


def test_a_failed_build_leaves_the_old_file_and_no_temp_file(tmp_path):
    target = tmp_path / "施工图.pdf"
    target.write_bytes(b"%PDF-1.4 old")

    def build(tmp):
        tmp.write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_pdf(target, build)
    assert target.read_bytes() == b"%PDF-1.4 old"
    assert _leftovers(tmp_path) == []


def test_a_build_that_writes_no_pdf_is_refused(tmp_path):
    target = tmp_path / "x.pdf"
    with pytest.raises(ValueError):
        write_pdf(target, lambda tmp: tmp.write_text("not a pdf"))
    assert not target.exists() and _leftovers(tmp_path) == []


def test_a_report_that_fails_while_laying_out_writes_nothing(tmp_path, sample, monkeypatch):
    import reports.plan as plan

    def broken(*a, **kw):
        raise KeyError("boom")

    monkeypatch.setattr(plan, "_household_table", broken)
    with pytest.raises(KeyError):
        render_plan(sample, tmp_path / "plan.pdf")
    assert list(tmp_path.iterdir()) == []


def test_the_written_file_is_a_pdf_readable_by_others(tmp_path, sample):
    out = render_plan(sample, tmp_path / "plan.pdf")
    assert out == tmp_path / "plan.pdf"
    assert out.read_bytes()[:5] == b"%PDF-" and out.read_bytes().rstrip().endswith(b"%%EOF")
    assert _leftovers(tmp_path) == []
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) & 0o044 == 0o044  # not mkstemp's 0600
