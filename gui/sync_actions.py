"""The 同步 menu of the main window: export to a stick, import packages (off the GUI thread, on a
connection of the worker's own), the receipt, conflicts, 疑点, teams and enrolment, status."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from . import sync_dialogs
from .editing import sync_import_file
from .guard import may_discard, warn
from .sync_dialogs import (
    ConflictsDialog,
    ExportDialog,
    ReceiptDialog,
    StatusDialog,
    SyncSummaryDialog,
)
from .sync_team_dialogs import EnrolDialog, TeamDialog
from .tasks import Task, run_with_progress


def _open(dialog):
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog


class SyncActions:
    """Mixed into MainWindow, which supplies store, editing, work, operator and statusBar."""

    def _county(self) -> bool:
        return self.store is not None and self.store.role == "county"

    def on_sync_export(self) -> ExportDialog | None:
        if self.editing is None:
            return None
        return _open(ExportDialog(self.editing, self))

    def on_sync_import(self) -> Task | None:
        if self.store is None:
            return None
        name = sync_dialogs.choose_file(
            self, self.tr("导入数据包"), self.tr("数据包 (*.fpk);;所有文件 (*)")
        )
        return self.sync_import([Path(name)]) if name else None

    def on_sync_import_folder(self) -> Task | None:
        if self.store is None:
            return None
        folder = sync_dialogs.choose_folder(self, self.tr("导入文件夹（U盘）中的全部数据包"))
        return self.sync_import([Path(folder)]) if folder else None

    def sync_import(self, sources: list[Path]) -> Task | None:
        """Import on a worker's connection behind a progress dialog; then the summary (and on a
        laptop the county's receipt), and every view reads the file again."""
        pending = self.work.pending_invalid() if self.work is not None else []
        if not may_discard(self, pending, self.tr("导入数据包后的内容")):
            return None
        path, operator = self.store.path, self.operator
        first = Path(sources[0])
        folder = first if first.is_dir() else first.parent  # the receipts go beside the packages
        step = self.tr("正在导入第 {0}/{1} 个数据包：{2}")

        def work(task: Task):
            def progress(i: int, n: int, name: str) -> None:
                task.progress(i, n, step.format(i + 1, n, name) if name else "")

            return sync_import_file(
                path, sources, operator=operator, progress=progress, receipts_folder=folder
            )

        return run_with_progress(
            self,
            self.tr("导入数据包"),
            self.tr("正在导入…"),
            work,
            self._sync_imported,
            lambda m: warn(self, self.tr("导入失败（数据库未作任何修改）"), m),
        )

    def _sync_imported(self, batch) -> SyncSummaryDialog | None:
        if self.editing is None:
            return None
        self.editing.sync_imported(batch)
        summary = _open(SyncSummaryDialog(batch, self))
        self.sync_summary = summary
        if any(r.receipt for r in batch.results) and not self._county():
            summary.finished.connect(lambda _r: self.on_sync_receipt())
        self.statusBar().showMessage(
            self.tr("同步导入完成：{0} 个数据包").format(len(batch.results)), 10000
        )
        return summary

    def on_sync_receipt(self) -> ReceiptDialog | None:
        if self.store is None or self._county():
            return None
        dialog = _open(ReceiptDialog(self.store, self))
        self.sync_receipt = dialog
        return dialog

    def on_sync_conflicts(self) -> ConflictsDialog | None:
        if self.editing is None:
            return None
        return _open(ConflictsDialog(self.editing, self.store, self))

    def on_sync_duplicates(self):
        if self.editing is None or not self._county():
            return None
        from .duplicates_dialog import DuplicatesDialog

        return _open(DuplicatesDialog(self.editing, self.store, self))

    def on_sync_team(self) -> TeamDialog | None:
        if self.editing is None or not self._county():
            return None
        dialog = TeamDialog(self.editing, self)
        dialog.accepted.connect(lambda: self._tell_done(self.tr("登记工作队"), dialog.done_text()))
        return _open(dialog)

    def on_sync_enroll(self) -> EnrolDialog | None:
        if self.editing is None or self._county():
            return None
        dialog = EnrolDialog(self.editing, self)
        dialog.accepted.connect(lambda: self._tell_done(self.tr("注册本机"), dialog.done_text()))
        return _open(dialog)

    def on_sync_status(self) -> StatusDialog | None:
        if self.store is None:
            return None
        return _open(StatusDialog(self.store, self))

    def _tell_done(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Information, title, text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        self.statusBar().showMessage(text.splitlines()[0], 10000)
        return box
