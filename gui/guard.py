"""Asking before refused input is given up, and the small message boxes every view uses."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def _t(text: str) -> str:
    return QCoreApplication.translate("guard", text)


def ask(parent: QWidget, title: str, text: str) -> bool:
    return (
        QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        == QMessageBox.Yes
    )


def warn(parent: QWidget, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def tell(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A warning that does not block the caller (an undo the register refused, say)."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def may_discard(parent: QWidget, pending: list[str], where: str) -> bool:
    """True when nothing refused is pending, or the user agrees to give it up: refused input is
    never dropped without asking. `where` says what would replace it (另一户, 另一名成员…)."""
    if not pending:
        return True
    return ask(
        parent,
        _t("有未保存的输入"),
        _t("以下内容填写有误，尚未保存：{0}。\n放弃这些输入并切换到{1}吗？").format(
            "、".join(pending), where
        ),
    )


def may_quit(parent: QWidget, pending: list[str]) -> bool:
    if not pending:
        return True
    return ask(
        parent,
        _t("有未保存的输入"),
        _t("以下内容填写有误，尚未保存：{0}。\n仍然退出吗？").format("、".join(pending)),
    )
