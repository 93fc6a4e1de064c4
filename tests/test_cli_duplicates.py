"""`duplicates` and `import-json` on the command line: an ID number in two villages, or twice in
one file, is imported and listed as a 疑点; decisions are recorded; a refused one exits non-zero
with a Chinese message and leaves the register as it was."""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = "11010519491231002X"
TWICE = "621102198006230319"
RIGHT = "621102195803120012"
QINGLING = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
DONGCHUAN = {"code": "621102100305", "name": "东川村", "township": "凤翔镇", "county": "安定区"}


def run(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--operator", "县扶贫办", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def dump(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return {t: conn.execute(f"select * from [{t}] order by rowid").fetchall() for t in tables}
    finally:
        conn.close()


def _file(tmp_path, name, village, households):
    path = tmp_path / name
    data = {
        "format": "fupin-register/1",
        "villages": [village],
        "households": [
            {"village_code": village["code"], "household_no": no, "status": "未脱贫", "members": m}
            for no, m in households
        ],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def county(tmp_path):
    db = tmp_path / "county.db"
    assert run("init", db, "--role", "county").returncode == 0
    first = _file(
        tmp_path,
        "qingling.json",
        QINGLING,
        [("0001", [{"name": "王建国", "relation": "户主", "id_number": SHARED}])],
    )
    assert run("import-json", db, first).returncode == 0
    second = _file(
        tmp_path,
        "dongchuan.json",
        DONGCHUAN,
        [
            ("0007", [{"name": "王建国", "relation": "户主", "id_number": SHARED}]),
            ("0004", [{"name": "张三", "relation": "户主", "id_number": TWICE}]),
            ("0005", [{"name": "张三", "relation": "户主", "id_number": TWICE}]),
        ],
    )
    imported = run("import-json", db, second)
    return db, imported


def _listed(db, *args):
    result = run("duplicates", db, "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return {d["id_number"]: d for d in json.loads(result.stdout)}


def test_import_json_stores_the_file_and_prints_its_duplicates(county):
    db, imported = county
    assert imported.returncode == 0, imported.stderr
    assert "导入完成：新增 7" in imported.stdout  # village, 3 households, 3 members
    assert "疑点：2 个身份证号登记在不止一户" in imported.stdout
    assert f"身份证号 {SHARED} 在 2 处登记" in imported.stdout
    assert "东川村 0004号户 张三；东川村 0005号户 张三" in imported.stdout


def test_duplicates_lists_the_groups_in_text_and_json(county):
    db, _ = county
    text = run("duplicates", db)
    assert text.returncode == 0, text.stderr
    assert f"身份证号 {SHARED}，2 处登记" in text.stdout
    assert "王建国  户主 王建国  青岭村（621102100201）  0001号户" in text.stdout
    assert "共 2 个待处理的疑点" in text.stdout
    listed = _listed(db)
    assert set(listed) == {SHARED, TWICE}
    assert sorted(m["village_code"] for m in listed[SHARED]["members"]) == [
        QINGLING["code"],
        DONGCHUAN["code"],
    ]
    assert set(_listed(db, "--village", QINGLING["code"])) == {SHARED}
    missing = run("duplicates", db, "--village", "999999999999")
    assert missing.returncode != 0 and "没有行政区划代码为 999999999999 的村" in missing.stderr


def test_decisions_are_recorded(county):
    db, _ = county
    listed = _listed(db)
    qingling = next(m for m in listed[SHARED]["members"] if m["village_name"] == "青岭村")
    same = run(
        "duplicates",
        db,
        "--same",
        SHARED,
        "--keep",
        qingling["member_id"],
        "--note",
        "户籍在青岭村",
    )
    assert same.returncode == 0, same.stderr
    assert "已记录：身份证号" in same.stdout
    assert "东川村0007号户已无成员" in same.stdout  # the household stays, for 清退
    wrong = listed[TWICE]["members"][1]
    different = run(
        "duplicates", db, "--different", TWICE, "--member", wrong["member_id"], "--new-id", RIGHT
    )
    assert different.returncode == 0, different.stderr
    assert f"已由 {TWICE} 更正为 {RIGHT}" in different.stdout
    assert _listed(db) == {}
    listed_all = run("duplicates", db, "--all").stdout
    assert "共 0 个待处理的疑点（身份证号重复登记），2 个已处理" in listed_all
    assert "王建国  户主 王建国  青岭村（621102100201）  0001号户" in listed_all
    decided = _listed(db, "--all")
    assert decided[SHARED]["open"] is False
    assert decided[SHARED]["decision"]["decided_by"] == "县扶贫办"
    assert decided[TWICE]["decision"]["new_id_number"] == RIGHT


@pytest.mark.parametrize(
    "args, words",
    [
        (
            ["--different", SHARED, "--member", "{member}", "--new-id", SHARED[:17] + "1"],
            "校验位错误",
        ),
        (["--different", SHARED, "--member", "no-such", "--new-id", RIGHT], "不在身份证号"),
        (["--same", SHARED, "--keep", "no-such"], "不在身份证号"),
        (["--same", RIGHT, "--keep", "{member}"], "不再重复"),
        (["--same", SHARED], "--same 需要 --keep"),
        (["--different", SHARED, "--member", "{member}"], "--different 需要"),
    ],
)
def test_a_refused_decision_exits_non_zero_and_changes_nothing(county, args, words):
    db, _ = county
    member = _listed(db)[SHARED]["members"][0]["member_id"]
    before = dump(db)
    result = run("duplicates", db, *[a.replace("{member}", member) for a in args])
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert words in result.stderr, result.stderr
    assert dump(db) == before
