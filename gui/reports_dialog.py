"""报表: choose a report, a village (or all), year, paper and dates; print it to PDF off the GUI
thread and open it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reports.batch import (
    DEFAULT_PAPER,
    PAPERS,
    TILE_PAPERS,
    ReportError,
    ReportOptions,
    county_reports,
    file_name,
    village_report,
)
from storage import browse
from storage.register import default_year, list_villages, policy_years

from .guard import warn
from .tasks import Task, run_with_progress

ALL_VILLAGES = "*"  # the village combo's "every village, one file each" entry
FOLDER_KEY = "reports/folder"


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _date(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class ReportsDialog(QDialog):
    """Pass the store (read on the GUI thread for the lists; the work opens its own read-only
    connection) and the settings (the last output folder)."""

    written = Signal(object)  # the PDF paths written

    def __init__(
        self,
        store,
        settings: QSettings,
        *,
        year: int | None = None,
        village_id: str | None = None,
        kind: str = "plan",
        notice: str | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.store_path = Path(store.path)
        self.settings = settings
        self.task: Task | None = None
        self.notes: list[str] = []
        self.setWindowTitle(self.tr("打印报表"))
        self._auto_name = ""

        self.kind = QComboBox()
        for key, label in self._kinds().items():
            self.kind.addItem(label, key)
        self.notice = QComboBox()
        for key, label in self._notices().items():
            self.notice.addItem(label, key)
        self.village = QComboBox()
        self.villages = {v["id"]: v for v in list_villages(store)}
        for v in self.villages.values():
            self.village.addItem(self.tr("{0}（{1}）").format(v["name"], v["code"]), v["id"])
        self.village.addItem(self.tr("全部村（每村一个文件）"), ALL_VILLAGES)
        self.year = QComboBox()
        years = policy_years(store)
        year = year if year in years else default_year(store)
        for y in sorted(set(years) | {year}):
            self.year.addItem(self.tr("{0}年").format(y), y)
        self.paper = QComboBox()
        for p in PAPERS:
            self.paper.addItem(p, p)
        self.orientation = QComboBox()
        self.orientation.addItem(self.tr("横向"), True)
        self.orientation.addItem(self.tr("纵向"), False)
        self.tile = QComboBox()
        self.tile.addItem(self.tr("不分块（一整张）"), None)
        for p in TILE_PAPERS:
            self.tile.addItem(self.tr("分块打印在 {0} 纸上，可拼贴").format(p), p)
        self.posting = self._date_edit(dt.date.today())
        self.since = self._date_edit(dt.date.today())
        self.start = self._date_edit(dt.date.today())
        self.end = self._date_edit(dt.date.today())
        self.out = QLineEdit()
        self.out.setMinimumWidth(420)
        self.browse_button = QPushButton(self.tr("浏览…"))
        self.browse_button.clicked.connect(self.choose_output)

        form = QFormLayout()
        self.rows: dict[str, QWidget] = {}

        def row(key: str, label: str, widget: QWidget) -> None:
            form.addRow(label, widget)
            self.rows[key] = widget

        row("kind", self.tr("报表"), self.kind)
        row("notice", self.tr("公示种类"), self.notice)
        row("village", self.tr("村"), self.village)
        row("year", self.tr("年度"), self.year)
        row("paper", self.tr("纸张"), self.paper)
        row("orientation", self.tr("方向"), self.orientation)
        row("tile", self.tr("分块"), self.tile)
        row("posting", self.tr("张贴（制表）日期"), self.posting)
        row("since", self.tr("户状态变化自"), self.since)
        row("start", self.tr("起始日期"), self.start)
        row("end", self.tr("截止日期"), self.end)
        out_row = QWidget()
        out_layout = QHBoxLayout(out_row)
        out_layout.setContentsMargins(0, 0, 0, 0)
        out_layout.addWidget(self.out, 1)
        out_layout.addWidget(self.browse_button)
        row("out", self.tr("保存到"), out_row)
        self.form = form

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Close)
        self.print_button = buttons.button(QDialogButtonBox.Ok)
        self.print_button.setText(self.tr("生成 PDF"))
        buttons.button(QDialogButtonBox.Close).setText(self.tr("关闭"))
        buttons.accepted.connect(self.start_printing)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.notice.currentIndexChanged.connect(self._name_changed)
        self.village.currentIndexChanged.connect(self._name_changed)
        self.year.currentIndexChanged.connect(self._year_changed)
        self.year.setCurrentIndex(max(0, self.year.findData(year)))
        index = self.village.findData(village_id) if village_id else -1
        self.village.setCurrentIndex(max(0, index))
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        if notice is not None:  # a notice the procedure just posted (gui/procedures.py)
            self.notice.setCurrentIndex(max(0, self.notice.findData(notice)))
        self._year_changed()
        self._kind_changed()

    # -- the user's words for the reports ----------------------------------------------------------
    def _kinds(self) -> dict[str, str]:
        return {
            "plan": self.tr("施工图（挂图作战）"),
            "progress": self.tr("进度表"),
            "notice": self.tr("公示/公告"),
            "needs": self.tr("需求清单"),
            "ledger": self.tr("工作台账"),
            "card": self.tr("明白卡（每户一页）"),
        }

    def _notices(self) -> dict[str, str]:
        return {
            "planned_exit": self.tr("拟脱贫户公示"),
            "exited": self.tr("脱贫户公告"),
            "new": self.tr("新识别贫困户公示"),
            "returned": self.tr("返贫户公示"),
            "new_announced": self.tr("新识别贫困户公告"),
            "returned_announced": self.tr("返贫户公告"),
            "removed": self.tr("拟清退户公示"),
            "removed_announced": self.tr("清退户公告"),
        }

    # -- state -----------------------------------------------------------------------------
    def _date_edit(self, d: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(d))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def current_kind(self) -> str:
        return self.kind.currentData()

    def all_villages(self) -> bool:
        return self.village.currentData() == ALL_VILLAGES

    def options(self) -> ReportOptions:
        kind = self.current_kind()
        return ReportOptions(
            paper=self.paper.currentData(),
            landscape=self.orientation.currentData(),
            tile_paper=self.tile.currentData() if kind == "plan" else None,
            since=_date(self.since.date()) if kind == "progress" else None,
            start=_date(self.start.date()) if kind == "ledger" else None,
            end=_date(self.end.date()) if kind == "ledger" else None,
            notice=self.notice.currentData(),
        )

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        paper, landscape = DEFAULT_PAPER[kind]
        self.paper.setCurrentIndex(self.paper.findData(paper))
        self.orientation.setCurrentIndex(self.orientation.findData(landscape))
        shown = {
            "notice": kind == "notice",
            "tile": kind == "plan",
            "since": kind == "progress",
            "start": kind == "ledger",
            "end": kind == "ledger",
        }
        for key, visible in shown.items():
            self.form.setRowVisible(self.rows[key], visible)
        hints = {
            "plan": self.tr("A3 横向适合张贴；A1、A2 交打印店；村里只有 A4 打印机时选“分块”。"),
            "notice": self.tr("公示中的身份证号只显示前6位和后4位；张贴日期起公示7天。"),
            "card": self.tr("明白卡每户一页，贴在户里。"),
        }
        self.hint.setText(hints.get(kind, ""))
        self._name_changed()

    def _year_changed(self) -> None:
        year = self.year.currentData()
        if year is None:
            return
        self.since.setDate(QDate(year, 1, 1))
        self.start.setDate(QDate(year, 1, 1))
        self.end.setDate(QDate(year, 12, 31))

    def _default_folder(self) -> Path:
        saved = self.settings.value(FOLDER_KEY)
        if saved and Path(str(saved)).is_dir():
            return Path(str(saved))
        return self.store_path.parent

    def _name_changed(self) -> None:
        """Follow the choices with the suggested file name, unless the user typed their own."""
        current = self.out.text().strip()
        if current and current != self._auto_name:
            return
        folder = Path(current).parent if current else self._default_folder()
        if self.all_villages():
            name = str(folder / self.tr("报表"))
        else:
            village = self.villages.get(self.village.currentData())
            if village is None:
                return
            name = str(folder / file_name(village, self.current_kind(), self.options()))
        self._auto_name = name
        self.out.setText(name)

    def choose_output(self) -> None:
        if self.all_villages():
            name = QFileDialog.getExistingDirectory(
                self, self.tr("保存到文件夹"), str(self._default_folder())
            )
        else:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("保存 PDF"), self.out.text(), self.tr("PDF 文件 (*.pdf)")
            )
            if name and not name.lower().endswith(".pdf"):
                name += ".pdf"
        if name:
            self.out.setText(name)

    # -- printing ----------------------------------------------------------------------------
    def start_printing(self) -> Task | None:
        out = self.out.text().strip()
        if not out:
            warn(self, self.tr("打印报表"), self.tr("请选择保存位置。"))
            return None
        kind, options = self.current_kind(), self.options()
        year, posting = self.year.currentData(), _date(self.posting.date())
        village, everyone = self.village.currentData(), self.all_villages()
        path = self.store_path
        label = self.tr("正在生成{0}…").format(self.kind.currentText())
        each = self.tr("正在生成：{0}（{1}/{2}）")  # formatted on the worker thread
        locked = self.tr("无法写入 {0}：文件可能正在被打开，请关闭后重试。")

        notes: list[str] = []  # households left off a notice: the user must know
        self.notes = notes

        def work(task: Task):
            reader = browse.open_reader(path)
            try:
                if everyone:
                    return county_reports(
                        reader,
                        year,
                        kind,
                        out,
                        options,
                        posting_date=posting,
                        progress=lambda d, t, name: task.progress(d, t, each.format(name, d, t)),
                        cancelled=lambda: task.cancelled,
                        notes=notes,
                    )
                task.progress(0, 0, label)
                return [
                    village_report(
                        reader, village, year, kind, out, options, posting_date=posting, notes=notes
                    )
                ]
            except PermissionError as e:  # Windows: a viewer holds the old PDF open
                raise ReportError(locked.format(e.filename or out)) from e
            finally:
                reader.close()

        self.print_button.setEnabled(False)
        self.task = run_with_progress(
            self, self.tr("打印报表"), label, work, self._done, self._failed, cancellable=everyone
        )
        return self.task

    def _done(self, paths: list) -> None:
        self.print_button.setEnabled(True)
        if not paths:
            return
        folder = Path(paths[0]).parent
        self.settings.setValue(FOLDER_KEY, str(folder))
        if self.notes:
            warn(self, self.tr("请注意"), "\n\n".join(self.notes))
        target = folder if self.all_villages() else Path(paths[0])
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        self.written.emit([Path(p) for p in paths])
        self.accept()

    def _failed(self, message: str) -> None:
        self.print_button.setEnabled(True)
        warn(self, self.tr("无法生成报表"), message)
