"""Dialogs: a record form rendered from a declaration, the operator pick, a new household."""

from __future__ import annotations

from importlib import metadata
from typing import Callable

from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from forms.entities import HOUSEHOLD, MEMBER
from forms.fields import Form, blank
from forms.validation import Problem, derive_member, validate_household_members, validate_record

from .fields import ERROR_STYLE, FormSection

# (values) -> problems; raises nothing. The dialog stays open while there are problems.
Submit = Callable[[dict], "list[Problem] | str | None"]


def ok_cancel(dialog: QDialog, ok: str = "确定", cancel: str = "取消") -> QDialogButtonBox:
    """The 确定 / 取消 row of a dialog that checks before it accepts (dialog.try_accept)."""
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.button(QDialogButtonBox.Ok).setText(dialog.tr(ok))
    buttons.button(QDialogButtonBox.Cancel).setText(dialog.tr(cancel))
    buttons.accepted.connect(dialog.try_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class RecordDialog(QDialog):
    """A record typed into fields rendered from its form; OK runs submit(values) and stays open
    with the messages beside the fields when it returns problems."""

    def __init__(
        self,
        title: str,
        form: Form,
        keys: tuple[str, ...],
        submit: Submit,
        parent=None,
        values: dict | None = None,
        choices: dict | None = None,
        intro: str = "",
        columns: int = 1,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit = submit
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.section = FormSection(form, keys, columns=columns)
        for key, items in (choices or {}).items():
            self.section.set_choices(key, items)
        self.section.set_record(values or {})
        layout.addWidget(self.section)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self))
        self.result_value = None

    def values(self) -> dict:
        return {k: v for k, v in self.section.values().items() if not (blank(v) or v == [])}

    def try_accept(self) -> None:
        if not self.section.check_all():
            return
        outcome = self.submit(self.values())
        if isinstance(outcome, str):
            self.error.setText(outcome)
            return
        if outcome:
            self.section.show_problems(outcome)
            unplaced = [str(p) for p in outcome if p.field not in self.section.rows]
            self.error.setText("；".join(unplaced))
            return
        self.accept()


class OperatorDialog(QDialog):
    """Who is at the keyboard: every change is logged with this name (不得虚报, 留痕)."""

    def __init__(self, settings: QSettings, parent=None):
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("选择操作员"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("请选择或输入您的姓名。每一次修改都会记下操作员，便于核查。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.NoInsert)
        known = [str(x) for x in (_operators(settings)) if x]
        self.combo.addItems(known)
        last = settings.value("last_operator", "")
        if last:
            self.combo.setCurrentText(str(last))
        self.combo.lineEdit().setPlaceholderText(self.tr("姓名"))
        layout.addWidget(self.combo)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, cancel="退出"))

    def operator(self) -> str:
        return self.combo.currentText().strip()

    def try_accept(self) -> None:
        name = self.operator()
        if not name:
            self.error.setText(self.tr("请填写操作员姓名"))
            return
        remember_operator(self.settings, name)
        self.accept()


def _operators(settings: QSettings) -> list:
    """Saved operator names. QSettings hands back a one-name list as a plain string (an ini file
    does not keep the list), which must not be read character by character."""
    value = settings.value("operators", [])
    if isinstance(value, str):
        return [value]
    return list(value or [])


def remember_operator(settings: QSettings, name: str) -> None:
    known = [str(x) for x in (_operators(settings)) if x]
    if name in known:
        known.remove(name)
    settings.setValue("operators", [name] + known[:19])
    settings.setValue("last_operator", name)


HOUSEHOLD_KEYS = (
    "household_no",
    "group_id",
    "identification_year",
    "planned_exit_year",
    "poverty_attribute",
    "dibao_class",
    "main_cause",
    "cadre_id",
    "phone",
)
MEMBER_KEYS = ("name", "relation", "id_number", "sex", "birth_date")


class NewHouseholdDialog(QDialog):
    """A household and its members typed at once, saved in one transaction (add_household)."""

    def __init__(
        self,
        choices: dict,
        save: Callable[[dict, list[dict]], "str | None"],
        parent=None,
        household_no: str = "",
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建贫困户"))
        self.resize(760, 620)
        self.save = save
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>户信息</b>")))
        way = QHBoxLayout()
        self.entered = QRadioButton(self.tr("已识别的贫困户（录入台账，状态为未脱贫）"))
        self.applied = QRadioButton(self.tr("新申请户（待识别：走识别程序，公告后纳入）"))
        self.entered.setChecked(True)
        self.applied_date = QDateEdit(QDate.currentDate())
        self.applied_date.setCalendarPopup(True)
        self.applied_date.setDisplayFormat("yyyy-MM-dd")
        self.applied_date.setEnabled(False)
        self.applied.toggled.connect(self.applied_date.setEnabled)
        way.addWidget(self.entered)
        way.addWidget(self.applied)
        way.addWidget(QLabel(self.tr("申请日期")))
        way.addWidget(self.applied_date)
        way.addStretch(1)
        layout.addLayout(way)
        self.household = FormSection(HOUSEHOLD, HOUSEHOLD_KEYS, columns=2)
        for key, items in choices.items():
            self.household.set_choices(key, items)
        self.household.set_record({"household_no": household_no})
        layout.addWidget(self.household)
        layout.addWidget(
            QLabel(self.tr("<b>家庭成员</b>（第一位为户主；有身份证号时性别和出生日期由号码推出）"))
        )
        self.members_box = QWidget()
        self.members_layout = QVBoxLayout(self.members_box)
        self.members_layout.setContentsMargins(0, 0, 0, 0)
        self.members_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.members_box)
        layout.addWidget(scroll, 1)
        self.members: list[FormSection] = []
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加成员"))
        self.add_button.clicked.connect(lambda: self.add_member())
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add_member({"relation": "户主"})

    def applying(self) -> bool:
        """A new applicant (待识别) rather than a household already identified."""
        return self.applied.isChecked()

    def applied_on(self) -> str:
        return self.applied_date.date().toString("yyyy-MM-dd")

    def add_member(self, values: dict | None = None) -> FormSection:
        frame = QFrame()
        frame.setFrameShape(QFrame.StyledPanel)
        v = QVBoxLayout(frame)
        v.setContentsMargins(4, 2, 4, 2)
        v.addWidget(QLabel(self.tr("成员 {0}").format(len(self.members) + 1)))
        section = FormSection(MEMBER, MEMBER_KEYS, columns=2)
        section.set_record(values or {})
        v.addWidget(section)
        self.members_layout.insertWidget(self.members_layout.count() - 1, frame)
        self.members.append(section)
        return section

    def try_accept(self) -> None:
        ok = self.household.check_all()
        members = []
        for section in self.members:
            values = {k: v for k, v in section.values().items() if not blank(v)}
            if not values:
                continue  # an empty row is ignored, not an error
            if not section.check_all():
                ok = False
                continue
            record = derive_member({**values, "household_id": "new"})
            problems = [p for p in validate_record(MEMBER, record) if p.field != "household_id"]
            section.show_problems(problems)
            ok = ok and not problems
            members.append(values)
        if not ok:
            self.error.setText(self.tr("请先改正红色标出的内容"))
            return
        family = validate_household_members(members)
        if not members:
            family = [Problem("name", "家庭成员", "至少录入户主一人")]
        if family:
            self.error.setText("；".join(str(p) for p in family))
            return
        values = {k: v for k, v in self.household.values().items() if not (blank(v) or v == [])}
        outcome = self.save(values, members)
        if outcome:
            self.error.setText(outcome)
            return
        self.accept()


def app_version() -> str:
    try:
        return metadata.version("fupin")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        parent.tr("关于"),
        parent.tr(
            "<h3>精准扶贫驻村帮扶台账</h3><p>版本 {0}</p>"
            "<p>供驻村帮扶工作队离线使用：建档立卡户信息、脱贫指标核查、帮扶措施、"
            "入户走访、状态变更。</p><p>依据：定西市《关于深入推进精准扶贫工作的"
            "实施意见》（定发〔2015〕13号）。</p>"
        ).format(app_version()),
    )
