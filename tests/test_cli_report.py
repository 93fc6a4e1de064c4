"""`main.py report`: every kind of PDF for a demo village, a whole county into a folder, and
bad requests refused with one Chinese message and no file."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[1]
ID18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])")
MASKED = re.compile(r"(?<![0-9])[0-9]{6}\*{8}[0-9]{3}[0-9Xx]")


def run(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def text_of(pdf: Path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """Two villages of 30 households (python main.py demo …)."""
    path = tmp_path_factory.mktemp("report") / "demo.db"
    made = run("demo", path, "--villages", 2, "--households", 30)
    assert made.returncode == 0, made.stderr
    return path


@pytest.fixture(scope="module")
def villages(demo):
    from storage.db import open_store
    from storage.register import list_villages

    store = open_store(demo)
    found = [(v["code"], v["name"]) for v in list_villages(store)]
    store.close()
    return found


@pytest.mark.parametrize(
    "kind, extra, words",
    [
        ("plan", [], ["精准扶贫施工图", "贫困村脱贫目标（17项）"]),
        ("plan", ["--paper", "A2", "--tile", "A4"], ["精准扶贫施工图", "第1行/第1列"]),
        ("progress", ["--since", "2017-03-01"], ["精准扶贫进度表", "2017年3月1日以来户状态变化"]),
        ("notice", ["--notice", "exited", "--year", "2016"], ["2016年脱贫户公告"]),
        ("needs", [], ["精准扶贫需求清单"]),
        (
            "ledger",
            ["--start", "2017-01-01", "--end", "2017-06-30", "--portrait"],
            ["精准扶贫工作台账", "2017年1月1日至2017年6月30日"],
        ),
        ("card", [], ["精准扶贫明白卡"]),
    ],
)
def test_each_kind_writes_a_pdf_naming_the_village(demo, villages, tmp_path, kind, extra, words):
    code, name = villages[0]
    out = tmp_path / f"{kind}.pdf"
    result = run(
        "report", kind, demo, "--village", code, "--out", out, "--date", "2017-12-10", *extra
    )
    assert result.returncode == 0, result.stderr
    assert out.is_file() and out.read_bytes().startswith(b"%PDF-")
    assert f"→ {out}" in result.stdout
    text = text_of(out)
    for w in [name, *words]:
        assert w in text, f"{w!r} not in the {kind} PDF"
    assert not list(tmp_path.glob("*.part"))  # no temp file left behind


def test_a_notice_masks_every_id_number(demo, villages, tmp_path):
    out = tmp_path / "notice.pdf"
    result = run(
        "report",
        "notice",
        demo,
        "--village",
        villages[0][0],
        "--out",
        out,
        "--notice",
        "exited",
        "--year",
        "2016",
    )
    assert result.returncode == 0, result.stderr
    text = text_of(out)
    assert "脱贫户公告" in text
    assert MASKED.search(text), "no masked ID printed: the check below would prove nothing"
    assert not ID18.search(text)


def test_paper_and_orientation_are_honoured(demo, villages, tmp_path):
    out = tmp_path / "a4.pdf"
    assert (
        run(
            "report",
            "plan",
            demo,
            "--village",
            villages[0][0],
            "--out",
            out,
            "--paper",
            "A4",
            "--portrait",
        ).returncode
        == 0
    )
    box = PdfReader(str(out)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_county_writes_one_file_per_village(demo, villages, tmp_path):
    folder = tmp_path / "全县施工图"
    result = run("report", "plan", demo, "--county", "--out", folder, "--progress")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{code}-{name}-plan.pdf" for code, name in villages)
    for code, name in villages:
        assert name in text_of(folder / f"{code}-{name}-plan.pdf")
    assert f"{len(villages)}/{len(villages)}" in result.stderr  # the progress bar


def test_county_notices_are_named_by_their_kind(demo, villages, tmp_path):
    result = run("report", "notice", demo, "--county", "--out", tmp_path, "--notice", "new")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(
        f"{code}-{name}-notice_new.pdf" for code, name in villages
    )


def _refused(result, words):
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1
    assert words in result.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["--village", "999999999999"], "没有行政区划代码为 999999999999 的村"),
        (["--village", "{code}", "--year", "1990"], "没有 1990 年的政策参数"),
        (["--village", "{code}", "--since", "2017-02-30"], "日期应写成"),
    ],
)
def test_bad_requests_are_refused_without_a_file(demo, villages, tmp_path, args, words):
    out = tmp_path / "x.pdf"
    args = [a.format(code=villages[0][0]) for a in args]
    kind = "progress" if "--since" in args else "plan"
    _refused(run("report", kind, demo, *args, "--out", out), words)
    assert list(tmp_path.iterdir()) == []


def test_an_option_the_report_does_not_take_is_refused(demo, villages, tmp_path):
    result = run(
        "report",
        "needs",
        demo,
        "--village",
        villages[0][0],
        "--tile",
        "A4",
        "--out",
        tmp_path / "x.pdf",
    )
    _refused(result, "只有施工图可以分块打印")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_refused(demo, villages, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    _refused(
        run("report", "plan", demo, "--village", villages[0][0], "--out", blocker / "x.pdf"),
        "文件夹不存在",
    )
    _refused(run("report", "plan", demo, "--county", "--out", blocker / "sub"), "无法写入文件夹")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_households_left_off_the_planned_exit_notice_are_named(demo, villages, tmp_path):
    # Given the demo village's households planned to exit in 2017, as the reports see them
    from reports.collect import village_report_data
    from reports.notice import notice_households, withheld_households
    from storage.db import open_store

    store = open_store(demo)
    data = village_report_data(store, villages[0][0], 2017)
    store.close()
    listed, left = (
        notice_households(data, "planned_exit"),
        withheld_households(data, "planned_exit"),
    )
    assert left, "the demo village has no planned household with an unmet criterion"
    # When the 拟脱贫户公示 is printed
    out = tmp_path / "planned.pdf"
    result = run(
        "report",
        "notice",
        demo,
        "--village",
        villages[0][0],
        "--out",
        out,
        "--notice",
        "planned_exit",
        "--year",
        "2017",
    )
    assert result.returncode == 0, result.stderr
    # Then it lists only those meeting all 12, and names the others to the user
    assert f"拟脱贫户共{len(listed)}户" in text_of(out)
    assert f"{len(left)} 户计划2017年脱贫" in result.stderr
    for h in left:
        assert f"{h.household_no} {h.head_name}（第" in result.stderr
