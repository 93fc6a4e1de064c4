"""The register over time on the command line: the demo county's comings and goings and its
closed years, `check --year` of a closed year, `close-year` and `reopen-year`, and refusals."""

import json
import sqlite3

import pytest

from tests.test_cli import digest, run


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("years") / "county.db"
    result = run("demo", path, "--villages", 3, "--households", 50)
    assert result.returncode == 0, result.stderr
    return path


def _rows(path, sql, args=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_the_demo_county_has_comings_goings_returns_and_closed_years(demo):
    reasons = dict(
        _rows(demo, "select left_reason, count(*) from members where left_date is not null "
                    "group by left_reason")
    )  # fmt: skip
    assert reasons.get("死亡") and reasons.get("嫁出")
    joined = dict(
        _rows(demo, "select join_reason, count(*) from members where joined_date is not null "
                    "group by join_reason")
    )  # fmt: skip
    assert joined.get("出生") and joined.get("娶入/嫁入")
    # exited in 2015 and back in 2017: three entries, in order
    returned = _rows(
        demo,
        "select household_id, group_concat(status, '>') from (select * from status_history "
        "order by date) group by household_id having group_concat(status, '>') = "
        "'未脱贫>已脱贫>返贫'",
    )
    assert returned
    statuses = {s for (s,) in _rows(demo, "select distinct status from households")}
    assert statuses == {"未脱贫", "已脱贫", "返贫", "清退"}
    closed = _rows(demo, "select year, count(*) from year_closures where closed = 1 group by year")
    assert closed == [(2015, 3), (2016, 3)]
    (frozen,) = _rows(demo, "select count(*) from frozen_years where year = 2016")[0]
    (households,) = _rows(demo, "select count(*) from households where deleted = 0")[0]
    assert frozen == households == 150


def test_check_of_a_closed_year_says_so_and_close_reopen_round_trip(demo, tmp_path):
    path = tmp_path / "c.db"
    path.write_bytes(demo.read_bytes())
    (code,) = _rows(path, "select code from villages order by code limit 1")[0]
    out = run("check", path, "--village", code, "--year", 2016)
    assert out.returncode == 0 and "2016年度已于" in out.stdout and "按封存数据" in out.stdout
    out = run("check", path, "--village", code, "--year", 2017, "--format", "json")
    assert "closed" not in json.loads(out.stdout)
    out = run("close-year", path, "--year", 2017, "--village", code)
    assert out.returncode == 0 and "2017年度已封存：1个村，50户" in out.stdout, out.stderr
    out = run("check", path, "--village", code, "--year", 2017, "--format", "json")
    assert "2017年度已于" in json.loads(out.stdout)["closed"]
    # a reopen with a blank reason, or of a year not closed: refused, the file untouched
    before = digest(path)
    for args, words in (
        (("--year", 2017, "--reason", " "), "必须填写原因"),
        (("--year", 2014, "--reason", "更正"), "未封存"),
        (("--year", 2017, "--reason", "更正", "--village", "999999999999"), "没有行政区划代码"),
    ):
        out = run("reopen-year", path, *args)
        assert out.returncode != 0 and words in out.stderr and "Traceback" not in out.stderr
        assert digest(path) == before
    out = run("reopen-year", path, "--year", 2017, "--reason", "补录收支")
    assert out.returncode == 0 and "2017年度已重新开启：1个村" in out.stdout
    out = run("check", path, "--village", code, "--year", 2017, "--format", "json")
    assert "closed" not in json.loads(out.stdout)
