"""The register's passphrase: the unlock dialog an encrypted register opens behind, and the
设置/更改数据库口令 dialog. Neither keeps what is typed: the key derived from it is kept in
memory by storage.cipher, nothing of it on disk (not in the settings either)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from storage.cipher import WrongPassphrase, unlock
from storage.encryption import check_new

from .dialogs import ok_cancel
from .fields import ERROR_STYLE

HINT_STYLE = "color: #616161;"


def _masked(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.Password)
    field.setPlaceholderText(placeholder)
    field.setMinimumWidth(280)
    return field


def _label(text: str, style: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


def _opens(path: Path, passphrase: str) -> bool:
    """Whether the passphrase opens the file (its key is then remembered). The derivation of
    the key takes a fraction of a second: the wait cursor says so."""
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        unlock(path, passphrase)
        return True
    except WrongPassphrase:
        return False
    finally:
        QApplication.restoreOverrideCursor()


class UnlockDialog(QDialog):
    """口令 for an encrypted register: a wrong one says so and lets the user try again; OK
    only once it opens the file."""

    def __init__(self, path: Path, parent=None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(self.tr("打开加密的数据库"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                self.tr("数据库“{0}”已加密，请输入口令：").format(self.path.name),
                "font-size: 11pt;",
            )
        )
        layout.addWidget(_label(str(self.path), HINT_STYLE))
        form = QFormLayout()
        self.field = _masked(self.tr("口令"))
        form.addRow(self.tr("口令"), self.field)
        layout.addLayout(form)
        self.error = _label("", ERROR_STYLE)
        layout.addWidget(self.error)
        layout.addWidget(
            _label(
                self.tr("忘记口令时，这个数据库无法打开，口令也无法找回：只能重新注册本机，"
                        "从县扶贫办的下一个数据包取回本队各村的数据。"),
                HINT_STYLE,
            )
        )  # fmt: skip
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("打开"))
        buttons.button(QDialogButtonBox.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def try_accept(self) -> None:
        text = self.field.text()
        if not text:
            self._say(self.tr("请输入口令"))
            return
        if not _opens(self.path, text):
            self._say(self.tr("口令不对，请再试一次（wrong passphrase）"))
            self.field.selectAll()
            self.field.setFocus()
            return
        self.field.clear()
        self.accept()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.adjustSize()  # the line below the field takes its room, nothing clipped


class PassphraseDialog(QDialog):
    """设置/更改数据库口令: on a plain register a new passphrase (it is then encrypted); on an
    encrypted one the current passphrase first, then a new one, or none (decrypted)."""

    def __init__(self, path: Path, encrypted: bool, parent=None):
        super().__init__(parent)
        self.path, self.encrypted = Path(path), encrypted
        self.setWindowTitle(self.tr("设置/更改数据库口令"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                self.tr("设置口令后，数据库和它的自动备份都加密保存：笔记本电脑丢失或被他人使用时，"
                        "贫困户的姓名、身份证号、收入等信息不会被读到。每次打开数据库都要输入口令。")
                if not encrypted
                else self.tr("数据库已加密。要更改或取消口令，请先输入当前的口令。")
            )
        )  # fmt: skip
        form = QFormLayout()
        self.current = _masked(self.tr("当前的口令"))
        self.change = QRadioButton(self.tr("更改口令"))
        self.remove = QRadioButton(self.tr("取消口令（不再加密）"))
        self.change.setChecked(True)
        self.new = _masked(self.tr("至少 6 个字符"))
        self.again = _masked(self.tr("再输入一次"))
        if encrypted:
            form.addRow(self.tr("当前口令"), self.current)
            form.addRow("", self.change)
            form.addRow("", self.remove)
            self.remove.toggled.connect(lambda off: (self.new.setDisabled(off),
                                                     self.again.setDisabled(off)))  # fmt: skip
        form.addRow(self.tr("新口令"), self.new)
        form.addRow(self.tr("再输入一次"), self.again)
        layout.addLayout(form)
        layout.addWidget(
            _label(
                self.tr("请牢记口令：忘记口令时，数据库和它的备份都无法再打开。那时只能在本机重新"
                        "注册工作队，从县扶贫办的下一个数据包取回本队各村的数据；没有同步给县里的"
                        "修改会丢失。"),
                HINT_STYLE,
            )
        )  # fmt: skip
        self.error = _label("", ERROR_STYLE)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self))
        self.setMinimumWidth(560)

    def choice(self) -> tuple[str | None, str | None]:
        """(current, new) for storage.encryption.set_passphrase."""
        current = self.current.text() if self.encrypted else None
        new = None if self.encrypted and self.remove.isChecked() else self.new.text()
        return current, new

    def try_accept(self) -> None:
        current, new = self.choice()
        if new is not None:
            why = check_new(new)
            if why is None and new != self.again.text():
                why = self.tr("两次输入的新口令不一致")
            if why:
                self._say(why)
                return
        if current is not None:
            if not current or not _opens(self.path, current):
                self._say(self.tr("当前的口令不对（wrong passphrase）") if current
                          else self.tr("请输入当前的口令"))  # fmt: skip
                self.current.selectAll()
                self.current.setFocus()
                return
        self.accept()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.adjustSize()
