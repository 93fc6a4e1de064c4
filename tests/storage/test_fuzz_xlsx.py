"""Hostile input at the Excel import (storage.xlsx_read, storage.xlsx_import, forms.ledger): a
workbook is refused with a WorkbookError saying why in Chinese, or read; every bad cell is a
located Chinese problem; nothing is written until the import, and what is written reads back
as the cell was read (a second import of the same workbook changes nothing). A zip bomb is
refused from the sizes its zip declares, before anything is unpacked; random bytes, a cut or
bit-flipped workbook, a zip of anything else and hand-made sheet XML are refused the same way."""

from __future__ import annotations

import json
import struct
import time
import uuid
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from forms import ledger
from forms.validation import check_value, parse_value
from storage import operations as O
from storage import register as R
from storage import xlsx_import as X
from storage import xlsx_read as XR
from storage.db import open_store
from storage.xlsx_read import WorkbookError
from tests.dumps import dump
from tests.fuzz import (
    DEEP_JSON,
    HOSTILE_TEXT,
    chinese,
    fuzz,
    has_surrogate,
    hostile_scalar,
    json_values,
    long_text,
    scratch,
)
from tests.storage.ledgers import person

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
HEADER = ["户编号", "户主姓名", "姓名", "证件号码", "与户主关系", "性别", "出生日期", "文化程度",
          "健康状况", "务工时间（月）", "是否参加新型农村合作医疗", "家庭人口数", "致贫原因",
          "其他致贫原因", "危房户", "联系电话", "工资性收入（元）", "耕地面积（亩）", "首次识别时间",
          "住址", "民族"]  # fmt: skip
ROWS = [
    ["0001", "王建国", "王建国", person(11, 1960), "户主", "男", datetime(1960, 3, 5), "小学",
     "健康", 6, "是", 2, "因病", "因学、缺资金", "√", "13800001111", 12500, 3.5, "2015年3月",
     "青岭村一社", "汉族"],
    ["0001", "王建国", "李秀兰", person(12, 1962, "女"), "配偶", "女", None, "初中", "长期慢性病",
     0, "否", 2, "因病", "因学、缺资金", "√", "13800001111", 12500, 3.5, "2015年3月",
     "青岭村一社", "汉族"],
    ["0002", "张德明", "张德明", person(21, 1955), "户主", "男", "1955.3.5", "初中", "残疾", None,
     "是", 1, "缺资金", "无", "×", "0932-8211234", 3000, 1, 2016, None, "回族"],
]  # fmt: skip
YEAR = 2016
_ROOT = scratch("fupin-fuzz-xlsx-")


def _folder() -> Path:
    folder = _ROOT / uuid.uuid4().hex
    folder.mkdir()
    return folder


def _store(folder: Path):
    store = open_store(folder / "register.db", create=True, operator="测试员")
    R.add_village(store, VILLAGE)
    return store


def _cell(value):
    """A value openpyxl can write: illegal XML characters and lone surrogates taken out, types
    it has no cell for written as their name (the reader meets those as text anyway)."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "".join(ch for ch in value if not "\ud800" <= ch <= "\udfff")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**300 else "9" * 400  # Excel holds no such number
    if isinstance(value, (float, date, datetime)):
        return value
    return type(value).__name__


def _workbook(path: Path, rows, header=HEADER) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(header)
    for r in rows:
        ws.append([_cell(v) for v in r])
    try:
        wb.save(path)
    except (ValueError, TypeError, OverflowError):  # a date before Excel's epoch, and such
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, (date, datetime, float)):
                    c.value = str(c.value)
        wb.save(path)
    return path


def _plan_and_import(store, path):
    """Read, check and import the workbook the way the wizard does; everything the import
    refuses is a WorkbookError in Chinese, and a refusal, the reading and the check change
    nothing. Returns (sheets, plan, counts) or None when the workbook is refused."""
    before = dump(store)
    try:
        sheets = X.read(path)
        plan = X.plan_import(store, sheets, X.propose_mapping(sheets), year=YEAR)
    except WorkbookError as e:
        assert chinese(str(e)) and not has_surrogate(str(e)) and len(str(e)) < 800, str(e)[:300]
        assert dump(store) == before
        return None
    assert dump(store) == before, "checking a workbook wrote to the register"
    for p in plan.problems:
        text = str(p)
        assert chinese(p.message) and len(text) < 800, text[:300]
        text.encode("utf-8")
    for note in plan.notes:
        assert len(note) < 2000, note[:300]
    counts, _ = O.import_xlsx(store, plan)
    return sheets, plan, counts


def _assert_nothing_more(store, path):
    """The same workbook again: every household matched, and importing it changes nothing."""
    before = dump(store)
    again = _plan_and_import(store, path)
    assert again is not None
    _, plan, counts = again
    assert all(h.existing is not None for h in plan.houses), [h.key for h in plan.houses]
    assert not any(v for k, v in counts.items() if not k.endswith("unchanged")), counts
    assert dump(store) == before


def test_the_base_workbook_imports_whole():
    folder = _folder()
    store = _store(folder)
    try:
        path = _workbook(folder / "a.xlsx", ROWS)
        _, plan, counts = _plan_and_import(store, path)
        assert plan.problems == [], [str(p) for p in plan.problems]
        assert counts["households_added"] == 2 and counts["members_added"] == 3
        _assert_nothing_more(store, path)
    finally:
        store.close()


def _stored(store, target, expected, row):
    """The register's value for the field a cell of `row` went to."""
    number = expected if target.key == "household_no" else row[0]
    households = store.find("households", "household_no = ?", [number])
    if len(households) != 1:
        return None, False
    h = households[0]
    if target.entity == "household":
        return h.get(target.key), True
    if target.entity == "finance":
        rows = store.find("finances", "household_id = ? and year = ?", [h["id"], YEAR])
        return (rows[0].get(target.key), True) if rows else (None, False)
    name = expected if target.key == "name" else ledger.squeeze(str(row[2]))
    members = store.find("members", "household_id = ? and name = ?", [h["id"], name])
    return (members[0].get(target.key), True) if len(members) == 1 else (None, False)


@fuzz(60)
@given(data=st.data())
def test_any_cell_value_in_a_real_workbook(data):
    r = data.draw(st.integers(0, len(ROWS) - 1), label="row")
    c = data.draw(st.integers(0, len(HEADER) - 1), label="column")
    raw = data.draw(
        st.one_of(
            hostile_scalar(),
            st.sampled_from([float("inf"), -1e308, 1e20, "#DIV/0!", "#N/A", "=1/0", "'0001"]),
        ),
        label="raw",
    )
    rows = [list(x) for x in ROWS]
    rows[r][c] = raw
    folder = _folder()
    store = _store(folder)
    try:
        path = _workbook(folder / "a.xlsx", rows)
        done = _plan_and_import(store, path)
        if done is None:
            return
        sheets, plan, counts = done
        target = X.propose_mapping(sheets)[sheets[0].name].get(c)
        if target is None or target.entity == "place":
            return
        read = dict(sheets[0].rows)[r + 2][c]  # the cell as openpyxl reads it back
        unit = sheets[0].columns[c].unit
        try:
            expected = ledger.cell_value(target, read, unit)
        except ValueError as e:
            assert chinese(str(e)), str(e)
            # the row is refused: its household is among the rejected
            assert any(row.number == r + 2 for h in plan.rejected for row in h.rows) or any(
                row.number == r + 2 for row in plan.loose
            )
            return
        accepted = any(row.number == r + 2 for h in plan.houses for row in h.rows)
        if accepted and expected is not None and expected != []:
            fd = ledger.field_of(target)
            if check_value(fd, expected) is None:
                value = parse_value(fd, expected)
                want = value.isoformat() if isinstance(value, date) else value
                got, found = _stored(store, target, expected, rows[r])
                if found:
                    assert got == want, (HEADER[c], read, got, want)
        _assert_nothing_more(store, path)
    finally:
        store.close()


@fuzz(300)
@given(
    target=st.sampled_from(ledger.targets() + list(ledger.PLACE.values())),
    raw=st.one_of(
        hostile_scalar(),
        st.sampled_from([float("inf"), float("-inf"), float("nan"), 6.21102196003051e17, "#REF!"]),
    ),
    unit=st.sampled_from(["", "万元", "元", "亩", "%", "月", "m²"]),
)
def test_any_cell_of_any_column_reads_or_is_refused_with_a_reason(target, raw, unit):
    try:
        value = ledger.cell_value(target, raw, unit)
    except ValueError as e:
        assert chinese(str(e)) and len(str(e)) < 400, str(e)[:300]
        return
    fd = ledger.field_of(target)
    if fd is None or value is None:
        return
    message = check_value(fd, value)
    if message is None:
        assert parse_value(fd, value) == value
    else:
        assert chinese(message)


# -- sheet XML written by hand -------------------------------------------------------------------
CELLS = [
    '<c r="{ref}"><v>1E999</v></c>', '<c r="{ref}"><v>-1E999</v></c>', '<c r="{ref}"><v>nan</v></c>',
    '<c r="{ref}"><v>' + "9" * 5000 + "</v></c>", '<c r="{ref}"><v>1e-999</v></c>',
    '<c r="{ref}" t="s"><v>99999</v></c>', '<c r="{ref}" t="b"><v>2</v></c>',
    '<c r="{ref}" t="e"><v>#DIV/0!</v></c>', '<c r="{ref}" t="d"><v>nonsense</v></c>',
    '<c r="{ref}" t="d"><v>99999-01-01T00:00:00</v></c>', '<c r="{ref}" t="inlineStr"><is><t>&#1;</t></is></c>',
    '<c r="{ref}" t="str"><f>1/0</f><v></v></c>', '<c r="{ref}" s="1"><v>1e20</v></c>',
    '<c r="{ref}" s="1"><v>-5</v></c>', '<c r="{ref}" s="9999"><v>1</v></c>', '<c r="ZZZZ9"><v>1</v></c>',
    '<c><v>1</v></c>', '<c r="{ref}"><v>1</v>', '<c r="XFD1048576"><v>1</v></c>', '<c r="A0"><v>1</v></c>',
    '<c r="{ref}" t="inlineStr"><is><r><t>王</t></r><r><t>建国</t></r></is></c>',
    '<c r="{ref}" t="inlineStr"><is>' + "<r>" * 10_000 + "</r>" * 10_000 + "</is></c>",
    '<c r="{ref}" t="bogus"><v>1</v></c>', '<c r="{ref}" t="n"><v>  </v></c>',
]  # fmt: skip


def _text_cell(ref: str, text) -> str:
    if text is None:
        return ""
    text = escape(_cell(str(text)))  # what XML can hold: no controls, no lone surrogates
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(rows: list[list[str]]) -> str:
    body = []
    for i, row in enumerate(rows, 1):
        body.append(f'<row r="{i}">' + "".join(row) + "</row>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>" + "".join(body) + "</sheetData></worksheet>"
    )


def _with_sheet(base: Path, out: Path, xml: str | bytes, part="xl/worksheets/sheet1.xml") -> Path:
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, xml if item.filename == part else src.read(item))
    return out


@fuzz(40)
@given(
    cells=st.lists(
        st.tuples(
            st.integers(1, len(ROWS)), st.integers(0, len(HEADER) - 1), st.sampled_from(CELLS)
        ),
        min_size=1,
        max_size=4,
    ),
    text=HOSTILE_TEXT | long_text(),
)
def test_hand_made_sheet_xml(cells, text):
    folder = _folder()
    store = _store(folder)
    try:
        base = _workbook(folder / "base.xlsx", ROWS)  # its styles.xml has a date style (s="1")
        letters = [XR.letter(i) for i in range(len(HEADER))]
        grid = [[_text_cell(f"{letters[i]}1", h) for i, h in enumerate(HEADER)]]
        for n, row in enumerate(ROWS, 2):
            grid.append([_text_cell(f"{letters[i]}{n}", v) for i, v in enumerate(row)])
        for r, c, cell in cells:
            grid[r][c] = cell.format(ref=f"{letters[c]}{r + 1}")
        grid[1][19] = _text_cell("T2", text)  # 住址 of the first row
        path = _with_sheet(base, folder / "hand.xlsx", _sheet_xml(grid))
        if _plan_and_import(store, path) is not None:
            _assert_nothing_more(store, path)
    finally:
        store.close()


# -- files that are no workbook -------------------------------------------------------------------
def _base_bytes() -> bytes:
    folder = _folder()
    return _workbook(folder / "base.xlsx", ROWS).read_bytes()


BASE = _base_bytes()


@st.composite
def damaged(draw) -> bytes:
    how = draw(st.sampled_from(["random", "pk", "cut", "flip", "zip", "empty"]))
    if how == "random":
        return draw(st.binary(max_size=2000))
    if how == "pk":
        return b"PK\x03\x04" + draw(st.binary(max_size=2000))
    if how == "cut":
        return BASE[: draw(st.integers(0, len(BASE) - 1))]
    if how == "flip":
        data = bytearray(BASE)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
        return bytes(data)
    if how == "empty":
        return b""
    # a zip of anything: parts of a workbook missing, or other files altogether
    folder = _folder()
    out = folder / "z.zip"
    names = draw(
        st.lists(
            st.sampled_from(
                ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                 "xl/_rels/workbook.xml.rels", "_rels/.rels", "xl/styles.xml", "readme.txt",
                 "xl/sharedStrings.xml", "../../evil.txt", "/abs.xml"]
            ),
            max_size=6,
        )
    )  # fmt: skip
    with zipfile.ZipFile(BASE_PATH) as src, zipfile.ZipFile(out, "w") as dst:
        known = set(src.namelist())
        for name in dict.fromkeys(names):
            keep = name in known and draw(st.booleans())
            dst.writestr(name, src.read(name) if keep else draw(st.binary(max_size=200)))
    return out.read_bytes()


BASE_PATH = _ROOT / "base.xlsx"
BASE_PATH.write_bytes(BASE)


@fuzz(80)
@given(content=damaged(), suffix=st.sampled_from([".xlsx", ".xls", ".XLSX", ".csv", ""]))
def test_a_damaged_file_or_a_zip_of_anything_is_refused_or_read(content, suffix):
    folder = _folder()
    store = _store(folder)
    try:
        path = folder / f"台账{suffix}"
        path.write_bytes(content)
        done = _plan_and_import(store, path)
        if done is not None:
            _assert_nothing_more(store, path)
    finally:
        store.close()


# -- zip bombs ------------------------------------------------------------------------------------
def _bomb(path: Path, unpacked: int, char: bytes = b"A") -> Path:
    """A workbook whose sheet is one cell of `unpacked` bytes of one character: a few MB on
    disk. The deflate stream is made of one compressed 16 MiB piece repeated (each piece flushed
    whole, so the pieces chain), with the right CRC: a reader that trusts it inflates it all."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        b'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    tail = b"</t></is></c></row></sheetData></worksheet>"
    chunk = char * (16 << 20)
    n = max(1, (unpacked - len(head) - len(tail)) // len(chunk))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    assert again == piece  # after a full flush, the same input gives the same bytes
    end = c.compress(tail) + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + n * len(chunk) + len(tail)
    with zipfile.ZipFile(BASE_PATH) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                z.writestr(item.filename, src.read(item))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", date_time=(2016, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.CRC = size, crc
        info.compress_size = len(first) + n * len(piece) + len(end)
        info.header_offset = z.fp.tell()
        z.fp.write(info.FileHeader(zip64=False))
        z.fp.write(first)
        for _ in range(n):
            z.fp.write(piece)
        z.fp.write(end)
        z.filelist.append(info)
        z.NameToInfo[info.filename] = info
        z.start_dir = z.fp.tell()
    return path


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_anything_is_unpacked(monkeypatch):
    folder = _folder()
    path = _bomb(folder / "炸弹.xlsx", 1_500_000_000)
    assert path.stat().st_size < 5_000_000
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size > 1_400_000_000
        with z.open(info) as part:  # a real bomb: the first MB inflates as it says
            assert part.read(1 << 20).endswith(b"A" * 1000)

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened: the bomb would be inflated")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    store = _store(folder)
    try:
        before = dump(store)
        t = time.perf_counter()
        with pytest.raises(WorkbookError, match="zip bomb") as err:
            X.read(path)
        assert time.perf_counter() - t < 2
        assert chinese(str(err.value)) and "MB" in str(err.value)
        assert dump(store) == before
    finally:
        store.close()


def test_a_smaller_bomb_is_refused_by_its_ratio():
    folder = _folder()
    path = _bomb(folder / "b.xlsx", 300_000_000, b" ")  # under the total limit, 1000:1
    with pytest.raises(WorkbookError, match="zip bomb"):
        X.read(path)


def test_a_zip_that_declares_less_than_it_holds_is_refused_as_damaged():
    # the sheet's central-directory entry says 100 bytes; the stream holds 40 MB: zipfile stops
    # at the declared size, the CRC fails, and the workbook is refused as damaged
    folder = _folder()
    path = _bomb(folder / "lie.xlsx", 40_000_000)
    data = bytearray(path.read_bytes())
    name = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as z:
        local, pos = z.getinfo(name).header_offset, z.start_dir
    while True:  # the central directory's entry of the sheet
        assert data[pos : pos + 4] == b"PK\x01\x02"
        n, m, k = struct.unpack("<HHH", data[pos + 28 : pos + 34])
        if data[pos + 46 : pos + 46 + n] == name.encode():
            break
        pos += 46 + n + m + k
    for offset in (local + 22, pos + 24):  # the uncompressed size, local and central
        data[offset : offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookError, match="损坏"):
        X.read(path)


# -- the saved mapping ---------------------------------------------------------------------------
@fuzz(60)
@given(
    content=st.one_of(
        json_values(20).map(lambda v: json.dumps(v)),
        st.dictionaries(HOSTILE_TEXT, json_values(), max_size=3).map(
            lambda d: json.dumps({"format": X.MAPPING_FORMAT, "sheets": {"花名册": d}})
        ),
        st.sampled_from([DEEP_JSON, '{"format": "%s", "sheets": %s}' % (X.MAPPING_FORMAT, DEEP_JSON),
                         "9" * 5000, "\xff", ""]),
    )
)  # fmt: skip
def test_any_saved_mapping_file_is_applied_or_refused(content):
    folder = _folder()
    mapping = folder / "对应方案.json"
    mapping.write_text(content, encoding="utf-8", errors="surrogatepass")
    sheets = X.read(BASE_PATH)
    try:
        chosen = X.read_mapping(mapping, sheets)
    except WorkbookError as e:
        assert chinese(str(e))
        return
    assert set(chosen) == {s.name for s in sheets}
    for cols in chosen.values():
        assert all(isinstance(t, ledger.Target) for t in cols.values())


def test_the_limits_leave_real_ledgers_alone():
    # the existing 100,000 formatted blank rows test makes a 10:1 part; a county's ledger 15:1
    assert XR.MAX_RATIO >= 100 and XR.MAX_UNPACKED >= 512 << 20
