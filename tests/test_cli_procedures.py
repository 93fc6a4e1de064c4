"""The procedures on the command line: `procedure` records a step (names in Chinese or English)
and lists a household's history; a step out of order, misdated or never started is refused in
Chinese with exit code 2 and the file unchanged; `movements` gives the year's in/out list and
plan vs actual; `plan` sets the county's task; `report notice` reads the recorded posting."""

import json
import shutil
import sqlite3
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.test_cli import digest, run


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("procedures") / "county.db"
    result = run("demo", path, "--villages", 3, "--households", 50)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def county(demo, tmp_path):
    path = tmp_path / "county.db"
    shutil.copy(demo, path)
    return path


def _one(path, sql, args=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchone()
    finally:
        conn.close()


def _due(path):
    """(village code, household no) of a household whose exit waits for its 公示."""
    return _one(
        path,
        "select v.code, h.household_no from procedure_steps p join households h on "
        "h.id = p.household_id join villages v on v.id = h.village_id where p.step = '户认可签字' "
        "and p.kind = '脱贫' and p.household_id not in (select household_id from procedure_steps "
        "where seq > 3) order by v.code, h.household_no",
    )


def test_a_step_is_recorded_listed_and_a_bad_one_refused(county):
    code, no = _due(county)
    where = ("--household", no, "--village", code)
    shown = run("procedure", county, *where)
    assert shown.returncode == 0, shown.stderr
    assert "贫困户脱贫退出程序（2017年）：待公示" in shown.stdout
    assert "12项核查（12项指标全部达标" in shown.stdout
    # out of order, in the future, a name no step has: refused, the file untouched
    before = digest(county)
    for args, message in (
        (("--step", "公告", "--date", "2017-12-05"), "不能跳过步骤：下一步应为“公示”"),
        (
            ("--step", "notice", "--date", (date.today() + timedelta(days=3)).isoformat()),
            "晚于今天",
        ),
        (("--step", "验收", "--date", "2017-12-05"), "没有名为“验收”的步骤"),
        (("--step", "公示", "--date", "2017-11-01"), "早于上一步“户认可签字”的日期"),
    ):
        r = run("procedure", county, *where, *args)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
        assert digest(county) == before
    posted = date.today() - timedelta(days=3)
    r = run("procedure", county, *where, "--step", "notice", "--date", posted.isoformat(),
            "--document", "公示〔2017〕5号")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "已登记脱贫程序“公示”" in r.stdout and "公示中（还剩4天）" in r.stdout
    r = run("procedure", county, *where, "--step", "公告", "--date", date.today().isoformat())
    end = posted + timedelta(days=6)
    assert r.returncode == 2 and f"公示期至{end.isoformat()}止" in r.stderr
    listed = json.loads(run("procedure", county, *where, "--format", "json").stdout)
    [exit_] = [p for p in listed[0]["procedures"] if p["open"]]
    assert [s["step"] for s in exit_["steps"]][-1] == "公示"
    assert exit_["steps"][-1]["document"] == "公示〔2017〕5号" and exit_["steps"][-1]["days"] == 7
    # the 拟脱贫户公示 prints the recorded date, period and number
    out = county.parent / "notice.pdf"
    r = run("report", "notice", county, "--village", code, "--year", 2017, "--out", out)
    assert r.returncode == 0, r.stderr
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages).replace("\n", "")
    assert "公示〔2017〕5号" in text
    assert (
        f"{posted.year}年{posted.month}月{posted.day}日至{end.year}年{end.month}月{end.day}日"
        in text
    )


def test_an_exit_never_started_is_refused(county):
    code, no = _one(
        county,
        "select v.code, h.household_no from households h join villages v on v.id = h.village_id "
        "where h.status = '未脱贫' and h.id not in (select household_id from procedure_steps) "
        "order by v.code, h.household_no",
    )
    before = digest(county)
    r = run("procedure", county, "--household", no, "--village", code, "--step", "销号",
            "--date", "2017-12-01")  # fmt: skip
    assert r.returncode == 2
    assert "该户没有进行中的脱贫程序，不能直接登记“销号”" in r.stderr
    assert digest(county) == before


def test_movements_and_the_plan(county):
    r = run("movements", county, "--year", 2016, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    exited = out["movements"]["脱贫"]
    assert exited["households"] == len(exited["list"]) > 0
    assert exited["people"] == sum(x["people"] for x in exited["list"])
    assert sum(p["exited_households"] for p in out["plan"]) == exited["households"]
    # the demo's 2016 task is what the villages planned, and they did it
    for p in out["plan"]:
        assert p["task_households"] == p["planned_households"] == p["exited_households"]
    code = out["plan"][0]["village_code"]
    r = run("plan", county, "--village", code, "--year", 2018, "--households", 12, "--people", 40)
    assert r.returncode == 0 and "减贫任务：12户40人" in r.stdout, r.stderr
    text = run("movements", county, "--year", 2018, "--village", code).stdout
    assert "12/40" in text and "2018年进出名单" in text


def test_the_help_names_every_notice_kind():
    from reports.batch import NOTICES

    text = run("report", "--help").stdout
    assert all(kind in text for kind in NOTICES)
    steps = run("procedure", "--help").stdout
    assert "12项核查（check）" in steps and "异议成立（objection）" in steps
