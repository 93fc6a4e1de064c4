"""The command line: round trip, and bad input gives one clear message, no traceback, no change."""

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "x.db"
    result = run("demo", path, "--villages", 3, "--households", 50)
    assert result.returncode == 0, result.stderr
    return path


def test_demo_export_import_export_is_identical(demo, tmp_path):
    a, b, new = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "new.db"
    assert run("export-json", demo, a).returncode == 0
    assert run("init", new).returncode == 0
    imported = run("import-json", new, a)
    assert imported.returncode == 0, imported.stderr
    assert run("export-json", new, b).returncode == 0
    assert a.read_bytes() == b.read_bytes()
    data = json.loads(a.read_text(encoding="utf-8"))
    assert len(data["villages"]) == 3 and len(data["households"]) == 150


def test_demo_is_deterministic_for_a_seed(tmp_path):
    outs = []
    for name in ("p.db", "q.db"):
        assert (
            run(
                "demo", tmp_path / name, "--villages", 2, "--households", 10, "--seed", 5
            ).returncode
            == 0
        )
        assert run("export-json", tmp_path / name, tmp_path / f"{name}.json").returncode == 0
        outs.append((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    assert outs[0] == outs[1]


def test_demo_refuses_an_existing_file(demo):
    before = digest(demo)
    result = run("demo", demo)
    assert result.returncode != 0 and "文件已存在" in result.stderr
    assert digest(demo) == before


def _assert_clean_failure(result, words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert words in result.stderr, result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["export-json", "{db}", "{tmp}/o.json"],
        ["import-json", "{db}", "{json}"],
        ["check", "{db}", "--county"],
        ["lint", "{db}"],
    ],
)
def test_missing_and_foreign_files_get_a_message(tmp_path, command):
    good = tmp_path / "good.json"
    good.write_text('{"format": "fupin-register/1"}', encoding="utf-8")
    missing = tmp_path / "missing.db"
    fill = lambda db: [c.format(db=db, tmp=tmp_path, json=good) for c in command]  # noqa: E731
    _assert_clean_failure(run(*fill(missing)), "找不到数据库文件")
    assert not missing.exists()
    text = tmp_path / "notes.txt"
    text.write_text("不是数据库", encoding="utf-8")
    before = digest(text)
    _assert_clean_failure(run(*fill(text)), "不是扶贫台账数据库文件")
    assert digest(text) == before


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "future.db"
    assert run("init", path).returncode == 0
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = digest(path)
    _assert_clean_failure(run("export-json", path, tmp_path / "o.json"), "更新版本的软件")
    assert digest(path) == before


def test_malformed_json_and_wrong_enum_change_nothing(demo, tmp_path):
    db = tmp_path / "target.db"
    assert run("init", db).returncode == 0
    before = digest(db)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "fupin-register/1", "villages": [', encoding="utf-8")
    _assert_clean_failure(run("import-json", db, bad), "JSON 格式错误")
    wrong = tmp_path / "wrong.json"
    assert run("export-json", demo, wrong).returncode == 0
    data = json.loads(wrong.read_text(encoding="utf-8"))
    data["households"][0]["status"] = "脱贫了"
    wrong.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("import-json", db, wrong)
    assert result.returncode == 2
    assert "“脱贫了”不是有效的选项" in result.stderr and "household 1 " in result.stderr
    assert "数据库未作任何改动" in result.stderr
    assert digest(db) == before
    assert run("import-json", db, tmp_path / "nothing.json").returncode != 0


def test_unknown_year_is_a_clear_error(demo):
    result = run("check", demo, "--county", "--year", "1990")
    _assert_clean_failure(result, "没有 1990 年的政策参数")


def test_policy_values_are_listed_and_one_years_can_be_set(tmp_path):
    db = tmp_path / "p.db"
    assert run("init", db).returncode == 0
    listed = run("policy", db)
    assert listed.returncode == 0 and "国家扶贫标准" in listed.stdout
    assert "2017  3335" in listed.stdout  # the seeded reference value
    changed = run("policy", db, "--year", 2021, "--poverty-line", 4100)
    assert changed.returncode == 0 and "2021  4100" in changed.stdout
    # only the given value changes; the rest of the year's values stay
    assert run("policy", db, "--year", 2021, "--province-avg-income", 11000).returncode == 0
    assert "2021  4100  11000" in run("policy", db, "--year", 2021).stdout
    before = digest(db)
    _assert_clean_failure(
        run("policy", db, "--year", 2021, "--poverty-line", "很多"), "国家扶贫标准：应为数字"
    )
    _assert_clean_failure(run("policy", db, "--poverty-line", 5), "需要 --year")
    _assert_clean_failure(
        run("policy", db, "--year", 2030, "--dibao-class1-amount", 3), "国家扶贫标准：必填"
    )
    assert digest(db) == before
    # the criteria use the new year at once
    assert "没有 2022 年的政策参数" in run("check", db, "--county", "--year", 2022).stderr


def test_an_unknown_county_name_is_refused(demo):
    _assert_clean_failure(
        run("check", demo, "--county", "--county-name", "不存在县"),
        "没有县区“不存在县”，已有：安定区",
    )


def test_check_text_prints_the_rules_figures_and_the_core_marks(demo):
    from forms.criteria.figures import figure_label
    from forms.criteria.result import LOOKS, plain

    county = json.loads(run("check", demo, "--county", "--format", "json").stdout)
    code = county["villages"][0]["village_code"]
    village = json.loads(run("check", demo, "--village", code, "--format", "json").stdout)
    household = village["households"][0]
    text = run("check", demo, "--household", household["household_id"], "--format", "text").stdout
    for c in household["criteria"]:
        look = LOOKS[c["status"]]
        assert f"{c['no']:>3}. {look.mark} {look.word}" in text
        for key, value in c["figures"].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                # as the rule computed it, under the figure's Chinese name
                assert f"{figure_label(key)} {plain(value)}" in text
    village_text = run("check", demo, "--village", code, "--format", "text").stdout
    assert "✗" not in village_text and "缺数据" not in village_text
    assert "数据：" in village_text
    figure_lines = [line for line in village_text.splitlines() if "数据：" in line]
    assert not any(re.search(r"[a-z]{3,}", line) for line in figure_lines)  # no English keys
