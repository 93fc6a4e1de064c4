"""The register's passphrase in the main window: the unlock dialog before an encrypted register
opens, and 文件 → 设置/更改数据库口令… (the file-level work is storage.encryption's, reached
through the one door, gui.editing)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from storage.cipher import is_encrypted, knows

from .editing import set_passphrase
from .guard import may_quit, warn
from .passphrase_dialogs import PassphraseDialog, UnlockDialog
from .tasks import Task, run_with_progress


def needs_unlock(path: Path) -> bool:
    """An encrypted register whose key this run of the app does not know yet."""
    return Path(path).exists() and not knows(path)


class PassphraseActions:
    """Mixed into MainWindow, which supplies store, work, register_lock, close_store, open_file
    and _show_start."""

    unlock_dialog: UnlockDialog | None = None

    def unlock_then(self, path: Path, then: Callable[[], object]) -> UnlockDialog:
        """The unlock dialog; `then` once the passphrase opened the file. Cancelled, the window
        stays as it was (the start page when nothing is open)."""
        dialog = UnlockDialog(path, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(then)
        dialog.rejected.connect(self._unlock_cancelled)
        self.unlock_dialog = dialog
        dialog.open()
        return dialog

    def _unlock_cancelled(self) -> None:
        if self.store is None:
            self._show_start(None, "")

    def on_file_passphrase(self) -> PassphraseDialog | None:
        if self.store is None:
            return None
        dialog = PassphraseDialog(self.store.path, is_encrypted(self.store.path), self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.protect(*dialog.choice()))
        dialog.open()
        return dialog

    def protect(self, current: str | None, new: str | None) -> Task | None:
        """Encrypt, change or remove the passphrase (storage.encryption.set_passphrase) on a
        worker, the register closed meanwhile (its lock kept: no other window takes it), then
        opened again; a refusal leaves the file as it was and says why."""
        if self.work is not None and not may_quit(self, self.work.pending_invalid()):
            return None
        path = self.store.path
        lock, self.register_lock = self.register_lock, None
        self.close_store()
        self.register_lock = lock
        title = self.tr("数据库口令")

        def done(result) -> None:
            self.open_file(path)
            QMessageBox.information(self, title, result.summary())

        def failed(message: str) -> None:
            self.open_file(path)
            warn(self, title, message)

        return run_with_progress(
            self,
            title,
            self.tr("正在加密（或解密）数据库和它的备份…"),
            lambda task: set_passphrase(path, current, new),
            done,
            failed,
        )
