"""The household editor: tabs rendered from the forms declarations, saving each valid edit."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.criteria.result import fen
from forms.entities import FINANCE, HOUSEHOLD
from forms.validation import check_value, parse_value
from storage import browse
from storage.register import finances_of, members_of, policy_for

from .editing import Editing
from .fields import FormSection
from .measures import MeasuresTab
from .members import MembersTab
from .status import StatusTab
from .visits import VisitsTab

FINANCE_KEYS = tuple(k for k in FINANCE.keys if k not in ("household_id", "year"))
INCOME_KEYS = ("wage_income", "operating_income", "property_income", "transfer_income")
FLASH = "QWidget { background: #fff59d; }"


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    area.setWidget(widget)
    return area


class FinanceTab(QWidget):
    """收入支出 by year; per-capita figures are worked out as the user types."""

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household_id: str | None = None
        self.members = 0
        self.policy: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("年度")))
        self.year = QComboBox()
        self.year.currentIndexChanged.connect(self._year_changed)
        self._shown_year: int | None = None
        row.addWidget(self.year)
        row.addStretch(1)
        layout.addLayout(row)
        self.form = FormSection(FINANCE, FINANCE_KEYS)
        self.form.save = self._save
        for r in self.form.rows.values():
            r.input.edited.connect(self.update_figures)
        layout.addWidget(self.form)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.RichText)
        layout.addWidget(self.figures)
        layout.addStretch(1)

    def set_years(self, years: list[int], current: int | None) -> None:
        self.year.blockSignals(True)
        self.year.clear()
        for y in sorted(set(years) | ({current} if current else set())):
            self.year.addItem(str(y), y)
        i = self.year.findData(current)
        self.year.setCurrentIndex(i if i >= 0 else self.year.count() - 1)
        self.year.blockSignals(False)

    def current_year(self) -> int | None:
        return self.year.currentData()

    def _year_changed(self, _index: int) -> None:
        if self.current_year() != self._shown_year and not self.form.may_discard(
            self.tr("另一年度")
        ):
            self.year.blockSignals(True)  # back to the year being edited, input kept
            self.year.setCurrentIndex(self.year.findData(self._shown_year))
            self.year.blockSignals(False)
            return
        self.load()

    def set_household(self, household_id: str | None) -> None:
        self.household_id = household_id
        self.load()

    def load(self, force: tuple[str, ...] | None = None) -> None:
        store = self.editing.store
        year = self.current_year()
        self._shown_year = year
        if not self.household_id or year is None:
            self.form.set_record(None)
            self.figures.clear()
            return
        record = next((f for f in finances_of(store, self.household_id) if f["year"] == year), {})
        self.members = len(members_of(store, self.household_id))
        self.policy = policy_for(store, year)
        if force is None:
            self.form.set_record(record)
        else:
            self.form.sync(record, force)
        self.update_figures()

    def _save(self, key: str, raw) -> str | None:
        if not self.household_id or self.current_year() is None:
            return None
        return self.editing.save_finance(self.household_id, self.current_year(), key, raw)

    def _amount(self, key: str) -> int | None:
        row = self.form.rows[key]
        raw = row.input.raw()
        if check_value(row.field, raw) is not None:
            return None
        return fen(parse_value(row.field, raw))

    def update_figures(self) -> None:
        values = {k: self._amount(k) for k in FINANCE_KEYS}
        n = self.members
        line = (self.policy or {}).get("poverty_line")
        parts = []
        # every part known, the cost too: a missing figure is never read as 0 (criterion 1 says
        # 缺数据 then, and the figure here must agree with it)
        if any(values[k] is None for k in (*INCOME_KEYS, "operating_income", "operating_cost")):
            income = None
        else:
            income = sum(values[k] for k in INCOME_KEYS) - values["operating_cost"]
        spent = values["consumption_expenditure"]

        def per_capita(total, label):
            if total is None:
                return (
                    self.tr("{0}：收入各项未填全").format(label)
                    if label.endswith("收入")
                    else self.tr("{0}：未填").format(label)
                )
            if not n:
                return self.tr("{0}：家庭成员为空").format(label)
            per = total / 100 / n
            if line:
                ok = per > line if label.endswith("收入") else per >= line
                color = "#2e7d32" if ok else "#c62828"
                # A rich-text label: a bare "<" would open a tag and swallow the rest.
                sign = (
                    ("&gt;" if ok else "≤") if label.endswith("收入") else ("≥" if ok else "&lt;")
                )
                return f"{label}：<b style='color:{color}'>{per:,.2f} 元</b> {sign} " + self.tr(
                    "贫困线 {0} 元"
                ).format(f"{line:g}")
            return f"{label}：<b>{per:,.2f} 元</b>（" + self.tr("缺少本年度贫困线") + "）"

        parts.append(self.tr("家庭成员 {0} 人").format(n))
        parts.append(per_capita(income, self.tr("人均可支配收入")))
        parts.append(per_capita(spent, self.tr("人均生活消费支出")))
        self.figures.setText("<br>".join(parts))


class HouseholdEditor(QWidget):
    """One household: 基本信息 / 家庭成员 / 生产生活条件 / 收入支出 / 帮扶措施 / 走访记录 / 状态变更."""

    changed = Signal(str)  # household id, after any saved change
    TABS = ("基本信息", "家庭成员", "生产生活条件", "收入支出", "帮扶措施", "走访记录", "状态变更")

    def __init__(self, editing: Editing, unmet_criteria, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setStyleSheet("font-weight:bold; font-size:11pt; padding:2px;")
        layout.addWidget(self.header)
        self.visit_banner = QLabel()
        self.visit_banner.setStyleSheet("background:#fff3e0; color:#e65100; padding:3px;")
        self.visit_banner.setVisible(False)
        layout.addWidget(self.visit_banner)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # seven tabs in the ~550 px the editor gets on a 1366×768 laptop: tighter padding keeps
        # 状态变更 visible instead of behind scroll arrows
        self.tabs.tabBar().setStyleSheet("QTabBar::tab { padding: 4px 7px; }")
        layout.addWidget(self.tabs, 1)

        self.basic = FormSection(HOUSEHOLD, HOUSEHOLD.sections["基本信息"], columns=1)
        self.basic.save = self._save_household
        self.basic.rows["status"].input.set_read_only(True)
        self.basic.rows["status"].input.setToolTip(
            self.tr("在“状态变更”页修改，变更原因和日期会被记录")
        )
        self.members = MembersTab(editing)
        self.conditions = FormSection(HOUSEHOLD, HOUSEHOLD.sections["生产生活条件"], columns=1)
        self.conditions.save = self._save_household
        self.finance = FinanceTab(editing)
        self.measures = MeasuresTab(editing)
        self.visits = VisitsTab(editing)
        self.status = StatusTab(editing, unmet_criteria)
        for widget, title in (
            (_scroll(self.basic), "基本信息"),
            (self.members, "家庭成员"),
            (_scroll(self.conditions), "生产生活条件"),
            (self.finance, "收入支出"),
            (self.measures, "帮扶措施"),
            (self.visits, "走访记录"),
            (self.status, "状态变更"),
        ):
            self.tabs.addTab(widget, self.tr(title))
        self.members.changed.connect(self._members_changed)
        self.measures.changed.connect(self._emit_changed)
        self.status.changed.connect(self._status_changed)
        self.visits.visit_state_changed.connect(self._update_visit_banner)
        editing.changed.connect(self._stored)
        self.set_household(None)

    # -- loading -------------------------------------------------------------------------------
    def set_year(self, year: int | None, years: list[int]) -> None:
        self.finance.set_years(years, year)
        self.finance.load()

    def set_household(self, household_id: str | None) -> None:
        store = self.editing.store
        self.household = store.get("households", household_id) if household_id else None
        h = self.household
        if h:
            self.basic.set_choices("group_id", browse.group_choices(store, h["village_id"]))
            self.basic.set_choices("cadre_id", browse.cadre_choices(store, h["village_id"]))
        self.basic.set_record(h)
        self.basic.rows["status"].input.set_read_only(True)
        self.conditions.set_record(h)
        self.members.set_household(household_id if h else None)
        self.finance.set_household(household_id if h else None)
        self.measures.set_household(h)
        self.visits.set_household(h)
        self.status.set_household(h)
        self._update_header()
        self._update_visit_banner()
        self.tabs.setEnabled(h is not None)

    def _update_header(self) -> None:
        h = self.household
        if not h:
            self.header.setText(self.tr("未选择贫困户"))
            return
        head = browse.household_label(self.editing.store, h["id"])
        self.header.setText(f"{head}　·　{h.get('status') or ''}")

    def _update_visit_banner(self) -> None:
        visit = self.editing.visit
        if visit and self.household and visit["household_id"] == self.household["id"]:
            self.visit_banner.setText(
                self.tr(
                    "● 走访进行中（{0}）：现在的修改将记为本次走访的发现。在“走访记录”页结束走访。"
                ).format(visit["date"])
            )
            self.visit_banner.setVisible(True)
        else:
            self.visit_banner.setVisible(False)
        self.visits._update_state()

    # -- saving --------------------------------------------------------------------------------
    def _save_household(self, key: str, raw) -> str | None:
        if not self.household:
            return None
        hid = self.household["id"]
        return self.editing.save("household", hid, hid, key, raw)

    def _stored(self, entity: str, record_id: str, household_id: str, key: str) -> None:
        """After a save, an undo or a redo: show the stored value, tell the other views."""
        if self.household and household_id == self.household["id"]:
            store = self.editing.store
            if entity == "household":
                self.household = store.get("households", household_id)
                self.basic.sync(self.household, (key,))
                self.conditions.sync(self.household, (key,))
                self._update_header()
            elif entity == "member":
                self.members.refresh(force=(key,))
            elif entity == "finance":
                record = store.get("finances", record_id)
                if record and record["year"] != self.finance.current_year():
                    i = self.finance.year.findData(record["year"])
                    if i >= 0:
                        self.finance.year.setCurrentIndex(i)
                self.finance.load(force=(key,))
            elif entity == "measure":
                self.measures.refresh()  # an undo of a measure edit shows at once
        self.changed.emit(household_id)

    def _emit_changed(self) -> None:
        if self.household:
            self.changed.emit(self.household["id"])

    def _members_changed(self) -> None:
        self.finance.load(force=())
        self._update_header()
        self._emit_changed()

    def _status_changed(self) -> None:
        if self.household:
            self.household = self.editing.store.get("households", self.household["id"])
            self.basic.sync(self.household, ("status", "exit_year", "planned_exit_year"))
            self.status.set_household(self.household)
            self._update_header()
            self._emit_changed()

    def pending_invalid(self) -> list[str]:
        return (
            self.basic.pending_invalid()
            + self.conditions.pending_invalid()
            + self.members.form.pending_invalid()
            + self.finance.form.pending_invalid()
        )

    # -- from the check panel ------------------------------------------------------------------
    def focus_criterion(self, result) -> bool:
        """Show and focus the field (or member) behind a criterion (CriterionResult.fields)."""
        path = self._pick(result)
        if path is None:
            return False
        where, _, key = path.partition(".")
        if where == "household":
            section = self.basic if key in self.basic.rows else self.conditions
            self.tabs.setCurrentIndex(0 if section is self.basic else 2)
            ok = section.focus(key)
            widget = section.rows[key].input if ok else None
        elif where == "finance":
            self.tabs.setCurrentIndex(3)
            ok = self.finance.form.focus(key)
            widget = self.finance.form.rows[key].input if ok else None
        elif where.startswith("member:") or where == "members":
            self.tabs.setCurrentIndex(1)
            member_id = where.partition(":")[2] or None
            if member_id and member_id.startswith("#"):
                member_id = None
            ok = self.members.focus_member_field(member_id, key) if key else True
            widget = (
                self.members.form.rows[key].input
                if key in self.members.form.rows
                else self.members.table
            )
        else:
            return False
        if widget is not None:
            widget.setStyleSheet(FLASH)
            QTimer.singleShot(1500, widget, lambda w=widget: w.setStyleSheet(""))
        return True

    def _pick(self, result) -> str | None:
        paths = [p for p in result.fields if not p.startswith("policy.")]
        if not paths:
            return None
        text = "；".join(result.reasons)
        members = {f"member:{m['id']}": m.get("name") or "" for m in self.members.model.members}
        # A reason names the member ("李小红（12岁）辍学"): go to that member first.
        for p in paths:
            prefix = p.partition(".")[0]
            name = members.get(prefix)
            if name and name in text:
                return p
        h = self.household or {}
        for p in paths:
            where, _, key = p.partition(".")
            if where == "household":
                label = HOUSEHOLD[key].label if key in HOUSEHOLD else key
                if label in text or h.get(key) in (None, "", []):
                    return p
            if where == "finance" and key:
                return p
        return paths[0]
