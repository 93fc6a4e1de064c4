"""Excel on the command line: `import-xlsx` prints the mapping it proposes, checks every row
first and refuses the whole workbook on a problem (exit code 2, the file unchanged) unless
--valid-only; --dry-run writes nothing; --rejected writes the rows to fix; `export-xlsx` writes
the three layouts."""

import json

import openpyxl
import pytest

from storage import register as R
from storage.db import open_store
from tests.storage.ledgers import member_per_row
from tests.test_cli import digest, run

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}


@pytest.fixture
def register(tmp_path):
    path = tmp_path / "register.db"
    store = open_store(path, create=True, operator="测试员")
    R.add_village(store, VILLAGE)
    store.close()
    return path


def _count(path, table):
    store = open_store(path)
    try:
        return len(store.find(table))
    finally:
        store.close()


def test_import_prints_the_mapping_and_a_dry_run_writes_nothing(register, tmp_path):
    book = member_per_row(tmp_path / "花名册.xlsx", merged_household_cells=True)
    before = digest(register)
    result = run("import-xlsx", register, book, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "E列 家庭成员 / 姓名 → 家庭成员·姓名" in result.stdout
    assert "L列 危房户 → 贫困户·住房安全稳固（取反）" in result.stdout
    assert "新增户 2" in result.stdout and "未写入" in result.stdout
    assert digest(register) == before
    result = run("import-xlsx", register, book)
    assert result.returncode == 0, result.stderr
    assert "导入完成：新增户 2" in result.stdout and "新增成员 5" in result.stdout
    assert _count(register, "members") == 5
    again = run("import-xlsx", register, book)
    assert again.returncode == 0 and "已有户 2" in again.stdout and "新增户 0" in again.stdout
    assert "新增成员 0，更改成员 0" in again.stdout


def test_a_bad_row_refuses_the_workbook_until_valid_only(register, tmp_path):
    book = member_per_row(tmp_path / "a.xlsx", id_as_number=True)
    before = digest(register)
    result = run("import-xlsx", register, book, "--rejected", tmp_path / "改正.xlsx")
    assert result.returncode == 2
    assert (
        "工作表“花名册”第4行F列（家庭成员 / 证件号码）：身份证号被 Excel 存成了数字"
        in result.stderr
    )
    assert "未导入任何数据" in result.stderr and digest(register) == before
    rows = list(openpyxl.load_workbook(tmp_path / "改正.xlsx").active.iter_rows(values_only=True))
    assert rows[2][-1] == "错误原因" and len(rows) == 3 + 3
    result = run("import-xlsx", register, book, "--valid-only")
    assert result.returncode == 0, result.stderr
    assert "新增户 1" in result.stdout and _count(register, "households") == 1


def test_a_saved_mapping_is_used_again(register, tmp_path):
    book = member_per_row(tmp_path / "a.xlsx")
    saved = tmp_path / "对应.json"
    result = run("import-xlsx", register, book, "--dry-run", "--save-mapping", saved)
    assert result.returncode == 0, result.stderr
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["sheets"]["花名册"]["家庭成员 / 文化程度"] = ""
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("import-xlsx", register, book, "--mapping", saved)
    assert result.returncode == 0, result.stderr
    assert "列对应（" not in result.stdout  # a given mapping is not proposed again
    store = open_store(register)
    assert all(m["education"] is None for m in store.find("members"))
    store.close()


def test_an_old_xls_and_an_unknown_village_are_refused(register, tmp_path):
    xls = tmp_path / "旧.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    before = digest(register)
    result = run("import-xlsx", register, xls)
    assert result.returncode == 2 and "另存为" in result.stderr and ".xlsx" in result.stderr
    book = member_per_row(tmp_path / "a.xlsx")
    result = run("import-xlsx", register, book, "--village", "621102999999")
    assert result.returncode == 2 and "没有行政区划代码为 621102999999 的村" in result.stderr
    assert digest(register) == before


def test_export_writes_the_three_layouts(tmp_path):
    path = tmp_path / "d.db"
    assert run("demo", path, "--villages", 2, "--households", 8).returncode == 0
    for layout, sheet in (
        ("register", "花名册"),
        ("criteria", "12项指标"),
        ("measures", "帮扶措施"),
    ):
        out = tmp_path / f"{layout}.xlsx"
        result = run("export-xlsx", path, out, "--layout", layout)
        assert result.returncode == 0, result.stderr
        assert "已导出 2 个村" in result.stdout
        assert openpyxl.load_workbook(out, read_only=True).sheetnames[0] == sheet
    result = run("export-xlsx", path, tmp_path / "x.xlsx", "--village", "000000000000")
    assert result.returncode == 1 and "没有行政区划代码为 000000000000 的村" in result.stderr
