"""File operations of the main window: open, new, demo, import and export, off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from storage import browse
from storage.interchange import export_register, write_json
from storage.lock import RegisterLock
from storage.register import default_year, policy_years

from .editing import import_json_file, open_register, write_demo
from .guard import warn
from .passphrase_actions import needs_unlock
from .tasks import Task, run_with_progress


def demo_path(settings: QSettings) -> Path:
    return Path(settings.fileName()).parent / "fupin-demo.db"


class FileActions:
    """Mixed into MainWindow, which supplies store, operator, settings, scope and _opened."""

    def open_file(self, path: Path, create: bool = False, role: str = "village") -> Task:
        """Open (or create) a register off the GUI thread behind a progress dialog; an encrypted
        one behind the unlock dialog first (gui.passphrase_actions), then None is returned."""
        path = Path(path)
        if not create and needs_unlock(path):
            self.unlock_then(path, lambda: self.open_file(path, create, role))
            return None
        operator = self.operator
        held = self.register_lock if self.register_lock and self.register_lock.holds(path) else None

        def work(task: Task):
            task.progress(0, 0, self.tr("正在打开 {0}…").format(path.name))
            lock = held or RegisterLock.acquire(path, operator)  # one window per register
            try:
                store = open_register(path, create=create, role=role, operator=operator)
            except BaseException:
                if lock is not held:
                    lock.release()
                raise
            try:
                task.progress(0, 0, self.tr("正在统计各村户数…"))
                return {
                    "lock": lock,
                    "store": store,
                    "tree": browse.scope_tree(store),
                    "year": default_year(store),
                    "years": policy_years(store),
                }
            except BaseException:
                store.close()
                if lock is not held:
                    lock.release()
                raise

        return run_with_progress(
            self,
            self.tr("打开数据库"),
            self.tr("正在打开…"),
            work,
            self._opened,
            lambda m: self._open_failed(path, m),
        )

    def _open_failed(self, path: Path, message: str) -> None:
        if self.store is None:
            self._show_start(None, message)
        warn(self, self.tr("无法打开数据库"), message)

    def open_demo(self) -> Task | None:
        """Generate a small demo county into the user's data folder (once) and open it."""
        path = demo_path(self.settings)
        if path.exists():
            return self.open_file(path)
        operator = self.operator

        def work(task: Task):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_demo(
                path,
                villages=3,
                households=50,
                operator=operator,
                progress=lambda d, t: task.progress(
                    d, t, self.tr("生成演示数据：{0}/{1} 个村").format(d, t)
                ),
            )
            return path

        return run_with_progress(
            self,
            self.tr("演示数据"),
            self.tr("正在生成演示数据…"),
            work,
            lambda p: self.open_file(p),
            lambda m: warn(self, self.tr("演示数据"), m),
        )

    def on_file_new(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("新建数据库"), "", self.tr("台账数据库 (*.db)")
        )
        if name:
            path = Path(name if name.endswith(".db") else name + ".db")
            if path.exists():
                warn(self, self.tr("新建数据库"), self.tr("文件已存在：{0}").format(path))
                return
            self.open_file(path, create=True)

    def on_file_open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("打开数据库"), "", self.tr("台账数据库 (*.db);;所有文件 (*)")
        )
        if name:
            self.open_file(Path(name))

    def on_file_demo(self) -> None:
        self.open_demo()

    def on_file_import(self) -> None:
        if self.store is None:
            return
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入"), "", self.tr("fupin-register JSON (*.json)")
        )
        if name:
            self.import_json(Path(name))

    def import_json(self, source: Path) -> Task:
        """All or nothing, on a connection of the worker's own; the file is opened again after."""
        path, operator = self.store.path, self.operator

        def done(counts: dict) -> None:
            text = self.tr("新增 {0}，更新 {1}，未变 {2}").format(
                counts["inserted"], counts["updated"], counts["unchanged"]
            )
            found = counts.get("duplicates") or []
            if found:  # stored, not refused: the clerk decides in the 疑点 dialog
                text += self.tr(
                    "\n\n疑点：{0} 个身份证号登记在不止一户（已导入）"
                    "（ID numbers held in more than one household）"
                ).format(len(found))
            QMessageBox.information(self, self.tr("导入完成"), text)
            self.open_file(path)

        def failed(message: str) -> None:
            warn(self, self.tr("导入失败（数据库未作任何修改）"), message)

        return run_with_progress(
            self,
            self.tr("导入"),
            self.tr("正在导入…"),
            lambda task: import_json_file(path, source, operator),
            done,
            failed,
        )

    def on_file_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("导出"), "", self.tr("fupin-register JSON (*.json)")
        )
        if not name:
            return
        path, scope = self.store.path, self.scope or {}
        village = (
            self.store.get("villages", scope["village_id"]) if scope.get("village_id") else None
        )

        def work(task: Task):
            reader = browse.open_reader(path)
            try:
                data = export_register(reader, village["code"] if village else None)
            finally:
                reader.close()
            write_json(data, name)
            return len(data["households"])

        run_with_progress(
            self,
            self.tr("导出"),
            self.tr("正在导出…"),
            work,
            lambda n: self.statusBar().showMessage(
                self.tr("已导出 {0} 户 → {1}").format(n, name), 10000
            ),
            lambda m: warn(self, self.tr("导出失败"), m),
        )

    # -- Excel ledgers (gui/xlsx_wizard.py) ----------------------------------------------------
    def on_file_import_xlsx(self):
        """The 导入 Excel 台账 wizard; it writes through self.editing, whose Changes refresh the
        window like any write."""
        if self.store is None or self.editing is None:
            return None
        from .xlsx_wizard import XlsxImportWizard

        wizard = XlsxImportWizard(
            self.editing, village_id=(self.scope or {}).get("village_id"), parent=self
        )
        wizard.setAttribute(Qt.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def on_file_backup(self) -> None:
        if self.store is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("备份到U盘：选择U盘或文件夹"))
        if folder:
            self.backup_to(Path(folder))

    def backup_to(self, folder: Path) -> Task:
        """A copy of the register into the folder, on a worker's read-only connection, read
        back before it is reported written (storage.backup)."""
        from storage import backup

        path = self.store.path
        return run_with_progress(
            self,
            self.tr("备份到U盘"),
            self.tr("正在备份…"),
            lambda task: backup.to_folder(path, folder),
            lambda out: QMessageBox.information(
                self,
                self.tr("备份完成"),
                self.tr("已备份到 {0}\n（{1} KB，已读回检查）").format(
                    out, out.stat().st_size // 1024
                ),
            ),
            lambda m: warn(self, self.tr("备份失败"), m),
        )

    def on_file_export_xlsx(self):
        if self.store is None:
            return None
        from .xlsx_export_dialog import XlsxExportDialog

        dialog = XlsxExportDialog(
            self.store, (self.scope or {}).get("village_id"), self.year, parent=self
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._export_xlsx_chosen(dialog))
        dialog.open()
        return dialog

    def _export_xlsx_chosen(self, dialog) -> None:
        from . import xlsx_wizard

        layout, code, year = dialog.choice()
        name = xlsx_wizard.choose_save(
            self, self.tr("导出 Excel"), dialog.suggested_name(), self.tr("Excel 工作簿 (*.xlsx)")
        )
        if name:
            self.export_excel(
                Path(name if name.lower().endswith(".xlsx") else name + ".xlsx"), layout, code, year
            )

    def export_excel(
        self, target: Path, layout: str = "register", village_code=None, year=None
    ) -> Task:
        """Write the workbook on a worker's read-only connection (storage.xlsx_export)."""
        path = self.store.path

        def work(task: Task):
            from storage import xlsx_export

            reader = browse.open_reader(path)
            try:
                return xlsx_export.export_xlsx(
                    reader, target, layout=layout, village_code=village_code, year=year
                )
            finally:
                reader.close()

        return run_with_progress(
            self,
            self.tr("导出 Excel"),
            self.tr("正在导出…"),
            work,
            lambda out: self.statusBar().showMessage(
                self.tr("已导出 {0} 个村 {1} 行（{2}年）→ {3}").format(
                    out["villages"], out["rows"], out["year"], target
                ),
                10000,
            ),
            lambda m: warn(self, self.tr("导出失败"), m),
        )
