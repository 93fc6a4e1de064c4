"""Print one report for a village, or for every village of a register into a folder.

The command line (`main.py report`) and the desktop app's 报表 dialog both come here, so a
report is named, checked and written the same way wherever it is asked for.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .card import render_cards
from .collect import CollectError, village_report_data
from .common import village_name
from .ledger import render_ledger
from .model import VillageReportData
from .needs import render_needs
from .notice import KINDS as NOTICE_KINDS
from .notice import render_notice, withheld_households
from .plan import render_plan
from .progress import render_progress

# The reports, in menu order, with the names the user sees.
KINDS = {
    "plan": "施工图",
    "progress": "进度表",
    "notice": "公示/公告",
    "needs": "需求清单",
    "ledger": "工作台账",
    "card": "明白卡",
}
NOTICES = {kind: k.title(None) for kind, k in NOTICE_KINDS.items()}  # planned_exit: 拟脱贫户公示
PAPERS = ("A4", "A3", "A2", "A1")
TILE_PAPERS = ("A4", "A3")
# Paper and orientation each report is laid out for when none is chosen (the render
# functions' own defaults, repeated here so that a dialog can show them).
DEFAULT_PAPER = {
    "plan": ("A3", True),
    "progress": ("A3", True),
    "notice": ("A4", False),
    "needs": ("A4", True),
    "ledger": ("A4", True),
    "card": ("A4", False),
}


class ReportError(ValueError):
    """A request that cannot be printed; the message is for the user (Chinese)."""


@dataclass
class ReportOptions:
    """What the user chose; None leaves the report's own default."""

    paper: str | None = None
    landscape: bool | None = None
    tile_paper: str | None = None  # 施工图 only: cut the chart into A4/A3 sheets
    since: dt.date | None = None  # 进度表: status changes since (default 1 January)
    start: dt.date | None = None  # 台账: first day; 公示: first day of posting
    end: dt.date | None = None  # 台账: last day
    notice: str = "planned_exit"  # which 公示/公告
    household_nos: list[str] | None = None  # 明白卡: these households only

    def title(self, kind: str) -> str:
        """The report's name for the user: 施工图, 拟脱贫户公示, …"""
        return NOTICES.get(self.notice, KINDS["notice"]) if kind == "notice" else KINDS[kind]

    def token(self, kind: str) -> str:
        """The report's part of a file name: plan, notice_planned_exit, …"""
        return f"notice_{self.notice}" if kind == "notice" else kind


def check(kind: str, options: ReportOptions) -> None:
    """Refuse a choice the report does not take, rather than silently ignore it."""
    if kind not in KINDS:
        raise ReportError(f"没有这种报表：{kind}（可选：{'、'.join(KINDS)}）")
    if options.paper is not None and options.paper not in PAPERS:
        raise ReportError(f"纸张应为 {'、'.join(PAPERS)} 之一，而不是 {options.paper}")
    if options.tile_paper is not None:
        if kind != "plan":
            raise ReportError("只有施工图可以分块打印（--tile）")
        if options.tile_paper not in TILE_PAPERS:
            raise ReportError(f"分块纸张应为 {'、'.join(TILE_PAPERS)} 之一")
    if options.since is not None and kind != "progress":
        raise ReportError("“自……以来”的日期（--since）只用于进度表")
    if options.start is not None and kind not in ("ledger", "notice"):
        raise ReportError("开始日期（--start）只用于工作台账和公示")
    if options.end is not None and kind != "ledger":
        raise ReportError("结束日期（--end）只用于工作台账")
    if options.start and options.end and options.start > options.end:
        raise ReportError(f"开始日期 {options.start} 晚于结束日期 {options.end}")
    if kind == "notice" and options.notice not in NOTICES:
        raise ReportError(f"没有这种公示：{options.notice}（可选：{'、'.join(NOTICES)}）")


def render(kind: str, data: VillageReportData, out, options: ReportOptions | None = None) -> Path:
    """Write report `kind` of `data` to `out` (atomically: temp file + rename)."""
    o = options or ReportOptions()
    check(kind, o)
    layout = {k: v for k, v in (("paper", o.paper), ("landscape", o.landscape)) if v is not None}
    if kind == "plan":
        return render_plan(data, out, **layout, tile_paper=o.tile_paper)
    if kind == "progress":
        return render_progress(data, out, **layout, since=o.since)
    if kind == "notice":
        return render_notice(data, out, o.notice, **layout, start=o.start)
    if kind == "needs":
        return render_needs(data, out, **layout)
    if kind == "ledger":
        return render_ledger(data, out, o.start, o.end, **layout)
    return render_cards(data, out, **layout, household_nos=o.household_nos)


def file_name(data_or_village, kind: str, options: ReportOptions | None = None) -> str:
    """<code>-<name>-<report>.pdf, e.g. 621102100200-高庄村-plan.pdf."""
    v = getattr(data_or_village, "village", data_or_village)
    code = v["code"] if isinstance(v, dict) else v.code
    name = v["name"] if isinstance(v, dict) else v.name
    token = (options or ReportOptions()).token(kind)
    return _safe(f"{code}-{name}-{token}.pdf")


def _safe(name: str) -> str:
    """No characters Windows refuses in a file name (a village name should have none)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name)


def ensure_folder(folder, *, create: bool = True) -> Path:
    """Prove the folder is writable (making it first when `create`), before any village is
    collected: a bad path fails at once, not after minutes of work."""
    folder = Path(folder)
    if not create and not folder.is_dir():
        raise ReportError(f"文件夹不存在：{folder}（folder not found）")
    try:
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise ReportError(
            f"无法写入文件夹：{folder}（{e.strerror or e.__class__.__name__}）"
        ) from e
    return folder


def withheld_note(kind: str, options: ReportOptions, data: VillageReportData) -> str | None:
    """What the reader must be told about households left off a notice, or None."""
    if kind != "notice":
        return None
    left = withheld_households(data, options.notice)
    if not left:
        return None
    names = "；".join(
        f"{h.household_no} {h.head_name}（第{'、'.join(map(str, h.not_passing))}项）" for h in left
    )
    return (
        f"{village_name(data)}：{len(left)} 户计划{data.year}年脱贫，但尚有指标未达标或数据不全，"
        f"未列入拟脱贫户公示：{names}"
    )


def village_report(
    store,
    village: str,
    year: int,
    kind: str,
    out,
    options: ReportOptions | None = None,
    *,
    posting_date: dt.date | None = None,
    notes: list[str] | None = None,
) -> Path:
    """Collect one village (by code or id) and write its report to `out`; if `out` is an
    existing folder, into it under file_name(). What the user must know about the result
    (households left off a notice) is appended to `notes`."""
    o = options or ReportOptions()
    check(kind, o)
    out = Path(out)
    ensure_folder(out if out.is_dir() else out.parent, create=False)
    try:
        data = village_report_data(store, village, year, posting_date=posting_date)
    except CollectError as e:
        raise ReportError(str(e)) from e
    if out.is_dir():
        out = out / file_name(data, kind, o)
    note = withheld_note(kind, o, data)
    if note and notes is not None:
        notes.append(note)
    return render(kind, data, out, o)


def county_reports(
    store,
    year: int,
    kind: str,
    folder,
    options: ReportOptions | None = None,
    *,
    posting_date: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    notes: list[str] | None = None,
) -> list[Path]:
    """The report of every village of the register, one PDF each in `folder`.

    progress(done, total, village name) is called before each village and once at the end;
    when cancelled() turns true the villages not yet written are skipped (each file written
    is whole: write_pdf renames a finished temp file)."""
    from storage.register import list_villages

    o = options or ReportOptions()
    check(kind, o)
    folder = ensure_folder(folder)
    villages = list_villages(store)
    if not villages:
        raise ReportError("数据库中还没有村（no villages）")
    written = []
    for i, v in enumerate(villages):
        if cancelled and cancelled():
            break
        if progress:
            progress(i, len(villages), v["name"])
        try:
            data = village_report_data(store, v["id"], year, posting_date=posting_date)
        except CollectError as e:
            raise ReportError(str(e)) from e
        note = withheld_note(kind, o, data)
        if note and notes is not None:
            notes.append(note)
        written.append(render(kind, data, folder / file_name(data, kind, o), o))
    if progress:
        progress(len(written), len(villages), "")
    return written
