"""Reading a ledger workbook as it comes: open it (or say in Chinese why not), find the header
rows under a title, join two header rows under merged group titles, and yield the data rows."""

from __future__ import annotations

import itertools
import os
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from forms import ledger
from forms.fields import blank

from .db import StorageError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and an encrypted .xlsx
HEADER_SCAN = 20  # rows searched for the header
BLANK_RUN = 1000  # this many blank rows in a row end the table (formatted but empty rows)
# An .xlsx is a zip of XML parts. A county's 110,000-row ledger unpacks to a few hundred MB at
# 10–15 times its packed size; a part of a run of one character unpacks to 1000 times (a zip
# bomb: a few MB on the stick, gigabytes in memory). Refused from the sizes the zip declares,
# before anything is unpacked (zipfile never unpacks more than the declared size).
MAX_UNPACKED = 1 << 30  # bytes, all parts together
MAX_RATIO = 200  # unpacked / packed, of a part larger than RATIO_FROM
RATIO_FROM = 16 << 20
MAX_PARTS = 10_000


class WorkbookError(StorageError):
    """A workbook that cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Column:
    index: int  # 0-based
    title: str  # as the user reads it: "家庭成员 / 姓名"
    group: str  # the merged group title above, or ""
    name: str  # the lower title alone

    @property
    def letter(self) -> str:
        return letter(self.index)

    @property
    def unit(self) -> str:
        return ledger.title_unit(self.name) or ledger.title_unit(self.group)


@dataclass
class Sheet:
    name: str
    header_rows: list[int]  # 1-based row numbers of the header
    columns: list[Column]
    rows: list[tuple[int, tuple]] = field(default_factory=list)  # (row number, values)
    totals: list[int] = field(default_factory=list)  # skipped 合计 rows
    stopped_at: int = 0  # the row where BLANK_RUN blank rows in a row ended the reading
    head: list[tuple] = field(default_factory=list)  # the rows above the data, as read

    def proposed(self) -> dict[int, ledger.Target]:
        out = {}
        for c in self.columns:
            t = ledger.propose(c.name, c.group)
            if t is not None:
                out[c.index] = t
        return out


def letter(index: int) -> str:
    name, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def open_workbook(path: str | os.PathLike):
    """openpyxl's read-only workbook of `path`; WorkbookError with the reason otherwise."""
    import openpyxl

    p = Path(path)
    if not p.exists():
        raise WorkbookError(f"找不到文件：{p}（file not found）")
    with open(p, "rb") as fh:
        start = fh.read(8)
        rest = fh.read(1 << 16) if start == OLE_MAGIC else b""
    if start == OLE_MAGIC:
        if "EncryptionInfo".encode("utf-16-le") in rest or p.suffix.lower() == ".xlsx":
            raise WorkbookError(
                f"{p.name} 设置了打开密码，无法读取。请在 Excel 中打开它，"
                "“文件 → 信息 → 保护工作簿 → 用密码进行加密”，删去密码后保存，再导入"
                "（the workbook is password-protected）"
            )
        raise WorkbookError(
            f"{p.name} 是旧的 Excel 97-2003 格式（.xls），不能直接读取。请在 Excel 或 WPS 中打开它，"
            "“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再导入新文件"
            "（old .xls format: save it as .xlsx）"
        )
    if p.suffix.lower() == ".xls":
        raise WorkbookError(
            f"{p.name} 的扩展名是 .xls：请在 Excel 或 WPS 中另存为“Excel 工作簿（*.xlsx）”后再导入"
            "（save it as .xlsx）"
        )
    if not zipfile.is_zipfile(p):
        raise WorkbookError(
            f"{p.name} 不是 Excel 工作簿（.xlsx），或文件已损坏（not an .xlsx workbook, or damaged）"
        )
    _refuse_bomb(p)
    try:
        return openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # zipfile's, XML's and openpyxl's own errors for broken parts
        raise _damaged(p, e) from None


def _damaged(p: Path, e: Exception, sheet: str | None = None) -> WorkbookError:
    """The workbook (or one of its sheets) cannot be read: why, in the parser's words."""
    reason = (str(e) or type(e).__name__)[:200]
    if sheet is not None:
        return WorkbookError(
            f"{p.name} 的工作表“{sheet}”已损坏，无法读取（damaged worksheet: {reason}）"
        )
    return WorkbookError(f"{p.name} 已损坏，无法读取（damaged workbook: {reason}）")


def _refuse_bomb(p: Path) -> None:
    """WorkbookError when the zip's parts would unpack to more than any ledger does."""
    try:
        with zipfile.ZipFile(p) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise _damaged(p, e) from None
    total = sum(i.file_size for i in parts)
    swollen = [
        i for i in parts if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * i.compress_size
    ]
    if len(parts) > MAX_PARTS or total > MAX_UNPACKED or swollen:
        size = f"{total / (1 << 20):,.0f} MB"
        raise WorkbookError(
            f"{p.name} 解压后有 {size}（压缩前仅 {p.stat().st_size / (1 << 20):,.1f} MB），"
            "远超任何台账，可能已损坏或是恶意文件，未读取。请在 Excel 中打开它，删去多余的行列后"
            "另存为新文件再导入（workbook unpacks too large: zip bomb?）"
        )


def _texts(row: tuple) -> list[str]:
    return ["" if blank(v) else str(v).strip() for v in row]


def _columns(rows: list[tuple], width: int) -> list[Column]:
    """Columns of a header of one row, or of two under merged group titles (the merged title
    stands in its first column: carried right over the blank cells beneath which a title is)."""
    lower = _texts(rows[-1]) + [""] * width
    upper = (_texts(rows[0]) if len(rows) == 2 else []) + [""] * width
    out, carried = [], ""
    for i in range(width):
        top, low = upper[i], lower[i]
        if top:
            carried = top
        elif not low:
            carried = ""
        if low and len(rows) == 2:
            group = top or carried
            out.append(Column(i, f"{group} / {low}" if group else low, group, low))
        else:
            name = low or top
            out.append(Column(i, name, "", name))
    return out


def _score(columns: list[Column]) -> int:
    return sum(ledger.propose(c.name, c.group) is not None for c in columns)


def find_header(head: list[tuple]) -> tuple[list[int], list[Column]] | None:
    """The header among the first rows: the one row, or two rows, naming the most known columns."""
    width = max((len(r) for r in head), default=0)
    best: tuple[int, list[int], list[Column]] | None = None
    for i in range(len(head)):
        for n in (1, 2):
            if i + n > len(head):
                continue
            cols = _columns(head[i : i + n], width)
            score = _score(cols)
            if score >= 2 and (best is None or score > best[0]):
                best = (score, list(range(i + 1, i + n + 1)), cols)
    if best is None:
        return None
    _, rows, cols = best
    while cols and not cols[-1].name:
        cols.pop()
    return rows, cols


def _is_total(values: tuple) -> bool:
    texts = [str(v).strip() for v in values[:4] if not blank(v)]
    return any(t.replace(" ", "").startswith(ledger.TOTAL_WORDS) for t in texts)


def read_sheet(ws) -> Sheet | None:
    """A sheet's header and data rows, or None when no header of a ledger is found."""
    rows = ws.iter_rows(values_only=True)
    head: list[tuple] = []
    for r in rows:
        head.append(tuple(r))
        if len(head) >= HEADER_SCAN:
            break
    found = find_header(head)
    if found is None:
        return None
    header_rows, columns = found
    width = len(columns)
    sheet = Sheet(ws.title, header_rows, columns, head=head[: header_rows[-1]])
    blank_run = 0
    number = header_rows[-1]
    pending = iter(head[header_rows[-1] :])
    for r in itertools.chain(pending, rows):
        number += 1
        # the same words down a column (安定区, 未脱贫, 是) held once, not once a cell
        values = tuple(sys.intern(v) if type(v) is str and len(v) <= 12 else v for v in r[:width])
        values += (None,) * (width - len(values))
        if all(blank(v) for v in values):
            blank_run += 1
            if blank_run >= BLANK_RUN:
                sheet.stopped_at = number
                break
            continue
        blank_run = 0
        if _is_total(values):
            sheet.totals.append(number)
            continue
        sheet.rows.append((number, values))
    return sheet


def read_workbook(
    path: str | os.PathLike, sheet: str | None = None, skipped: list[str] | None = None
) -> list[Sheet]:
    """Every sheet of the workbook that holds a ledger (or the one named); WorkbookError when
    none does."""
    wb = open_workbook(path)
    try:
        names = wb.sheetnames
        if sheet is not None and sheet not in names:
            raise WorkbookError(
                f"工作簿中没有名为“{sheet}”的工作表，已有：{'、'.join(names)}（sheet not found）"
            )
        out = []
        for name in [sheet] if sheet else names:
            try:
                read = read_sheet(wb[name])
            except Exception as e:  # a sheet's XML is parsed only now, row by row
                raise _damaged(Path(path), e, name) from None
            if read is not None:
                out.append(read)
            elif skipped is not None:
                skipped.append(name)
        if not out:
            which = f"工作表“{sheet}”" if sheet else "工作簿的各工作表"
            raise WorkbookError(
                f"{which}中找不到台账的表头（如“姓名”“证件号码”“与户主关系”“户编号”），"
                "或工作表是空的（no ledger header found）"
            )
        return out
    finally:
        wb.close()
