"""The 同步 menu's dialogs: export to a stick, the import summary, the county's receipt, the
conflicts, the sync status, registering a team and enrolling a laptop. Every write goes through
gui.editing.Editing; a refusal is shown in red inside the dialog, which stays open."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStorageInfo, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from storage import sync
from storage.enrolment import teams

from .editing import Editing
from .fields import ERROR_STYLE

REMOVABLE_ROOTS = ("/media/", "/run/media/", "/mnt/")


def _t(text: str) -> str:
    return QCoreApplication.translate("sync", text)


def _size(n: int) -> str:
    gb = n / 1024**3
    return _t("{0:.1f} GB 可用").format(gb) if gb >= 1 else _t("{0} MB 可用").format(n // 1024**2)


def removable_drives() -> list[dict]:
    """Drives a stick may be: mounted, ready, writable, not the system's root; on Linux only
    those under /media, /run/media or /mnt. [{"path", "name", "free"}]."""
    out = []
    for v in QStorageInfo.mountedVolumes():
        if v.isRoot() or not v.isReady() or v.isReadOnly() or not v.isValid():
            continue
        path = v.rootPath()
        if sys.platform.startswith("linux") and not path.startswith(REMOVABLE_ROOTS):
            continue
        out.append({"path": path, "name": v.displayName() or path, "free": v.bytesAvailable()})
    return out


def choose_folder(parent, title: str) -> str:
    """A folder from the user ("" when cancelled); tests replace it."""
    return QFileDialog.getExistingDirectory(parent, title)


def choose_file(parent, title: str, pattern: str) -> str:
    return QFileDialog.getOpenFileName(parent, title, "", pattern)[0]


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def _table(columns: tuple[str, ...], rows: list[tuple], stretch: int | None = None):
    table = QTableWidget(len(rows), len(columns))
    table.setHorizontalHeaderLabels([_t(c) for c in columns])
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)  # one line a row; the whole text is the cell's tooltip
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            item.setToolTip(item.text())
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    table.resizeRowsToContents()
    return table


def cells(table: QTableWidget) -> list[list[str]]:
    """A table's texts, row by row (what the user reads; the tests read it too)."""
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]  # fmt: skip


# -- 导出到U盘… ------------------------------------------------------------------------------------
class ExportDialog(QDialog):
    """Where to write (a stick found, or a folder chosen), which teams (at the county), and
    then what was written. A full or pulled stick's message is shown here."""

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.county = editing.store.role == "county"
        self.written: list = []
        self.setWindowTitle(_t("导出到U盘"))
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_t("写到哪里（插好的U盘）：")))
        self.drives = QListWidget()
        for d in removable_drives():
            item = QListWidgetItem(f"{d['name']}（{d['path']}，{_size(d['free'])}）")
            item.setData(Qt.UserRole, d["path"])
            self.drives.addItem(item)
        if not self.drives.count():
            self.drives.addItem(_t("（没有找到U盘，请插好U盘，或选择文件夹）"))
            self.drives.item(0).setFlags(Qt.NoItemFlags)
        else:
            self.drives.setCurrentRow(0)
        layout.addWidget(self.drives, 1)
        self.choose = QPushButton(_t("选择文件夹…"))
        self.choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.choose)
        row.addStretch(1)
        layout.addLayout(row)
        self.teams = QListWidget()
        if self.county:
            layout.addWidget(QLabel(_t("发给哪些工作队：")))
            for t in teams(editing.store):
                item = QListWidgetItem(f"{t['name']}（{'、'.join(t['villages'])}）")
                item.setData(Qt.UserRole, t["name"])
                item.setCheckState(Qt.Checked)
                self.teams.addItem(item)
            layout.addWidget(self.teams, 1)
        self.error = _error_label()
        self.report = QLabel()
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.error)
        layout.addWidget(self.report)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.export_button = self.buttons.addButton(_t("导出"), QDialogButtonBox.AcceptRole)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.Close).setText(_t("关闭"))
        layout.addWidget(self.buttons)

    def _choose(self) -> None:
        folder = choose_folder(self, _t("选择U盘或文件夹"))
        if folder:
            item = QListWidgetItem(_t("文件夹：{0}").format(folder))
            item.setData(Qt.UserRole, folder)
            self.drives.addItem(item)
            self.drives.setCurrentItem(item)

    def folder(self) -> str | None:
        item = self.drives.currentItem()
        return item.data(Qt.UserRole) if item is not None else None

    def chosen_teams(self) -> list[str]:
        items = [self.teams.item(i) for i in range(self.teams.count())]
        return [i.data(Qt.UserRole) for i in items if i.checkState() == Qt.Checked]

    def export(self) -> list:
        self.error.clear()
        folder = self.folder()
        if not folder:
            self.error.setText(_t("请选择一个U盘或文件夹"))
            return []
        chosen = self.chosen_teams() if self.county else None
        if self.county and not chosen:
            self.error.setText(_t("请至少选择一个工作队"))
            return []
        written, refusal = self.editing.sync_export(Path(folder), teams=chosen)
        if refusal:
            self.error.setText(_t("未能导出：{0}").format(refusal))
            return []
        self.written = written
        lines = []
        for e in written:
            line = _t("已写出：{0}（{1}：{2} 条记录，{3} 个字段）").format(
                e.path.name, e.team, e.records, e.fields
            )
            if e.left_out:
                line += _t("（{0} 条不属于本队的村的记录未发送）").format(e.left_out)
            lines.append(line)
        self.report.setText("\n".join(lines + [_t("位置：{0}").format(folder)]))
        return written


# -- the summary after an import --------------------------------------------------------------
SUMMARY_COLUMNS = ("数据包", "工作队", "结果", "新增", "采用", "保留", "冲突", "原因")


class SyncSummaryDialog(QDialog):
    """One row per package imported: applied, refused (why) or skipped; where the receipts and
    the log went."""

    def __init__(self, batch, parent=None):
        super().__init__(parent)
        self.batch = batch
        self.setWindowTitle(_t("导入结果"))
        self.resize(1000, 420)
        layout = QVBoxLayout(self)
        results = batch.results
        applied = sum(r.result == "applied" for r in results)
        refused = sum(r.result == "refused" for r in results)
        head = _t("共 {0} 个数据包：已导入 {1}，已拒绝 {2}，已跳过 {3}").format(
            len(results), applied, refused, len(results) - applied - refused
        )
        if not results:
            head = _t("没有找到数据包（.fpk）")
        layout.addWidget(QLabel(head))
        rows = [(r.package, r.team or "—", _t(sync.RESULT_WORDS.get(r.result, r.result))
                 + (_t("（此前已导入过）") if r.repeat else ""), r.inserted, r.taken, r.kept,
                 r.conflicts, r.reason or ("" if not r.future else _t(
                     "{0} 个字段的时间戳超前本机时钟一天以上（对方电脑时间可能不对）").format(r.future)))
                for r in results]  # fmt: skip
        self.table = _table(SUMMARY_COLUMNS, rows, stretch=7)
        layout.addWidget(self.table, 1)
        notes = [_t("回执 → {0}").format(e.path) for e in batch.receipts]
        if batch.receipt_error:
            notes.append(_t("未能写出回执：{0}").format(batch.receipt_error))
        if batch.log:
            notes.append(_t("日志：{0}").format(batch.log))
        self.notes = QLabel("\n".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(_t("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


# -- 回执… (a laptop) ---------------------------------------------------------------------------
RECEIPT_COLUMNS = ("数据包", "结果", "原因", "新增", "采用", "保留", "冲突", "县里导入时间")
RECEIPT_CONFLICT_COLUMNS = ("记录", "字段", "本机的值", "县里的值", "采用了")


class ReceiptDialog(QDialog):
    """What the county did with the team's packages, from its newest package's receipt."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.setWindowTitle(_t("县里的回执"))
        self.resize(1000, 520)
        layout = QVBoxLayout(self)
        receipt = sync.last_receipt(store)
        self.receipt = receipt
        if receipt is None:
            text = _t(
                "还没有收到县里的回执：导入县里发来的数据包后，这里列出县里对本队数据包的处理"
            )
        else:
            text = _t("县里最近收到本队数据包的时间：{0}\n回执来自：{1}（县里写于 {2}，本机导入于 {3}）").format(
                receipt.get("received_at") or _t("（尚未收到）"), receipt.get("package", ""),
                receipt.get("written_at", ""), receipt.get("imported_at", ""))  # fmt: skip
        self.head = QLabel(text)
        self.head.setWordWrap(True)
        layout.addWidget(self.head)
        receipt = receipt or {}
        rows = [(p.get("package"), _t(sync.RESULT_WORDS.get(p.get("result"), p.get("result"))),
                 p.get("reason") or "", p.get("inserted"), p.get("taken"), p.get("kept"),
                 p.get("conflicts"), p.get("imported_at"))
                for p in receipt.get("packages", [])]  # fmt: skip
        layout.addWidget(
            QLabel(_t("本队发出的数据包（自上一份回执以来）：{0} 个").format(len(rows)))
        )
        self.packages = _table(RECEIPT_COLUMNS, rows, stretch=2)
        layout.addWidget(self.packages, 1)
        found = []
        for c in receipt.get("conflicts", []):  # the county's view: its value was the incoming
            d = sync.describe_conflict(
                store, {**c, "incoming_won": 1 - int(c.get("incoming_won") or 0)}
            )
            state = _t("（已处理）") if c.get("resolved_at") else ""
            found.append((d["record"], d["field"], d["mine"], d["theirs"],
                          (_t("县里的值") if d["taken"] == "theirs" else _t("本机的值")) + state))  # fmt: skip
        layout.addWidget(QLabel(_t("县里列出的冲突：{0} 处").format(len(found))))
        self.conflicts = _table(RECEIPT_CONFLICT_COLUMNS, found, stretch=0)
        layout.addWidget(self.conflicts, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(_t("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


# -- 冲突… --------------------------------------------------------------------------------------
CONFLICT_COLUMNS = ("记录", "字段", "本机的值", "对方的值", "采用了", "作者/时间")


class ConflictsDialog(QDialog):
    """The open conflicts; 保留本机的值 / 保留对方的值 decide the selected one (Editing)."""

    def __init__(self, editing: Editing, store=None, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.store = store or editing.store
        self.rows: list[dict] = []
        self.setWindowTitle(_t("冲突：两处改了同一字段"))
        self.resize(1000, 460)
        layout = QVBoxLayout(self)
        self.head = QLabel()
        self.head.setWordWrap(True)
        layout.addWidget(self.head)
        self.table = _table(CONFLICT_COLUMNS, [])
        layout.addWidget(self.table, 1)
        self.error = _error_label()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.keep_mine = QPushButton(_t("保留本机的值"))
        self.keep_theirs = QPushButton(_t("保留对方的值"))
        self.keep_mine.clicked.connect(lambda: self.resolve("mine"))
        self.keep_theirs.clicked.connect(lambda: self.resolve("theirs"))
        row.addWidget(self.keep_mine)
        row.addWidget(self.keep_theirs)
        row.addStretch(1)
        close = QPushButton(_t("关闭"))
        close.clicked.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.rows = sync.conflicts(self.store)
        shown = []
        for c in self.rows:
            d = sync.describe_conflict(self.store, c)
            shown.append((d["record"], d["field"], d["mine"], d["theirs"],
                           _t("对方的值") if d["taken"] == "theirs" else _t("本机的值"),
                           _t("本机：{0} {1}；对方：{2} {3}").format(
                               d["mine_by"], d["mine_at"], d["theirs_by"], d["theirs_at"])))  # fmt: skip
        table = _table(CONFLICT_COLUMNS, shown, stretch=5)
        self.layout().replaceWidget(self.table, table)
        self.table.deleteLater()
        self.table = table
        if shown:
            self.table.selectRow(0)
        self.head.setText(
            _t("待处理的冲突：{0} 处。选中一行，决定保留哪一个值；保留的值若是未被采用的那个，"
               "会作为本机的新修改写入，下次同步时发出。").format(len(shown))
            if shown else _t("没有待处理的冲突")
        )  # fmt: skip
        self.keep_mine.setEnabled(bool(shown))
        self.keep_theirs.setEnabled(bool(shown))

    def resolve(self, keep: str) -> bool:
        row = self.table.currentRow()
        if row < 0 or row >= len(self.rows):
            self.error.setText(_t("请先选中一个冲突"))
            return False
        outcome = self.editing.sync_resolve(self.rows[row]["id"], keep)
        if outcome.problems:
            self.error.setText(outcome.message())
            return False
        self.error.clear()
        self.refresh()
        return True


# -- 同步状态… ----------------------------------------------------------------------------------
STATUS_COLUMNS = ("工作队", "村", "最近收到", "收到的数据包", "最近发出", "发出的数据包",
                  "对方已确认到", "本机已导入到")  # fmt: skip


class StatusDialog(QDialog):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        info = sync.status(store)
        self.setWindowTitle(_t("同步状态"))
        self.resize(1000, 320)
        layout = QVBoxLayout(self)
        self.head = QLabel(
            _t("{0}，设备 {1}，修改日志到第 {2} 条；待处理冲突 {3} 处").format(
                _t("县级数据库") if info["role"] == "county" else _t("工作队数据库"),
                info["device"], info["last_seq"], info["open_conflicts"])
        )  # fmt: skip
        layout.addWidget(self.head)
        rows = [(p["team"], "、".join(p["villages"]), p["received_at"] or "—",
                 p["received_package"] or "", p["sent_at"] or "—", p["sent_package"] or "",
                 _t("第 {0} 条").format(p["they_acknowledged_seq"]),
                 _t("第 {0} 条").format(p["we_applied_seq"])) for p in info["peers"]]  # fmt: skip
        if not rows:
            layout.addWidget(QLabel(_t("（还没有登记或注册工作队）")))
        self.table = _table(STATUS_COLUMNS, rows)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText(_t("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
