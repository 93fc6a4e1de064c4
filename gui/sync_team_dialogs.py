"""The 同步 menu's enrolment dialogs: 登记工作队… at the county (a team, its villages, a one-time
passphrase, the enrolment file's folder) and 注册本机… on a laptop. Written through Editing; a
refusal (a wrong passphrase, a village of another county) stays in red, the dialog open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from storage.enrolment import MIN_PASSPHRASE

from . import sync_dialogs
from .editing import Editing
from .sync_dialogs import _error_label, _t


# -- 登记工作队… and 注册本机… --------------------------------------------------------------------
def _password() -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.Password)
    return line


def _path_row(line: QLineEdit, pick) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(line, 1)
    button = QPushButton(_t("选择…"))
    button.clicked.connect(pick)
    row.addWidget(button)
    return box


class _WriteDialog(QDialog):
    """OK runs submit(); a refusal stays in red, the dialog open, the input kept."""

    def _finish_layout(self, layout: QVBoxLayout, ok: str) -> None:
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(ok)
        buttons.button(QDialogButtonBox.Cancel).setText(_t("取消"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons

    def submit(self) -> bool:
        refusal = self.write()
        if refusal:
            self.error.setText(refusal)
            return False
        self.accept()
        return True


class TeamDialog(_WriteDialog):
    """At the county: a work team, its villages, a one-time passphrase, where the file goes."""

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.team = self.path = None
        self.setWindowTitle(_t("登记工作队"))
        self.resize(520, 520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        form.addRow(_t("工作队名称"), self.name)
        self.villages = QListWidget()
        for v in editing.store.find("villages", order_by="code"):
            item = QListWidgetItem(f"{v.get('township') or ''} {v['name']}（{v['code']}）")
            item.setData(Qt.UserRole, v["code"])
            item.setCheckState(Qt.Unchecked)
            self.villages.addItem(item)
        form.addRow(_t("本队的村"), self.villages)
        self.passphrase, self.again = _password(), _password()
        form.addRow(_t("一次性口令"), self.passphrase)
        form.addRow(_t("再输入一次"), self.again)
        self.folder = QLineEdit()
        form.addRow(_t("注册文件写到"), _path_row(self.folder, self._pick))
        layout.addLayout(form)
        note = QLabel(_t("请把一次性口令当面告诉工作队，不要写在U盘上。"))
        note.setWordWrap(True)
        layout.addWidget(note)
        self._finish_layout(layout, _t("登记"))

    def _pick(self) -> None:
        folder = sync_dialogs.choose_folder(self, _t("注册文件写到哪个文件夹（U盘）"))
        if folder:
            self.folder.setText(folder)

    def codes(self) -> list[str]:
        items = [self.villages.item(i) for i in range(self.villages.count())]
        return [i.data(Qt.UserRole) for i in items if i.checkState() == Qt.Checked]

    def write(self) -> str | None:
        if self.passphrase.text() != self.again.text():
            return _t("两次输入的口令不一致")
        if len(self.passphrase.text()) < MIN_PASSPHRASE:
            return _t("一次性口令至少 {0} 个字符").format(MIN_PASSPHRASE)
        folder = Path(self.folder.text().strip()) if self.folder.text().strip() else None
        if folder is None or not folder.is_dir():
            return _t("请选择一个已有的文件夹（U盘）存放注册文件")
        made, refusal = self.editing.register_team(
            self.name.text(), self.codes(), self.passphrase.text(), folder
        )
        if refusal:
            return refusal
        self.team, self.path = made
        return None

    def done_text(self) -> str:
        return _t("已登记工作队“{0}”（{1}），注册文件 → {2}\n请把一次性口令当面告诉工作队，"
                  "不要写在U盘上。").format(self.team.name, "、".join(self.team.villages), self.path)  # fmt: skip


class EnrolDialog(_WriteDialog):
    """On a laptop: the enrolment file from the county and its one-time passphrase."""

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.team = None
        self.setWindowTitle(_t("注册本机"))
        self.resize(520, 220)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.file = QLineEdit()
        form.addRow(_t("注册文件"), _path_row(self.file, self._pick))
        self.passphrase = _password()
        form.addRow(_t("一次性口令"), self.passphrase)
        layout.addLayout(form)
        self._finish_layout(layout, _t("注册"))

    def _pick(self) -> None:
        name = sync_dialogs.choose_file(
            self, _t("选择注册文件"), _t("注册文件 (*.fpk);;所有文件 (*)")
        )
        if name:
            self.file.setText(name)

    def write(self) -> str | None:
        if not self.file.text().strip():
            return _t("请选择县扶贫办发放的注册文件")
        team, refusal = self.editing.enroll(Path(self.file.text().strip()), self.passphrase.text())
        if refusal:
            return refusal
        self.team = team
        return None

    def done_text(self) -> str:
        return _t("本机已注册为工作队“{0}”：{1} {2}").format(
            self.team.name, self.team.county, "、".join(self.team.villages)
        )
