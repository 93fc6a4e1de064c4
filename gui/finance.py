"""The 收入支出 tab: a household's income and expenditure by year, and criteria 1 and 12 on what
is typed, as the rules compute them."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from forms.criteria.household import (
    HOUSEHOLD_RULES,
    SAFETY_NET_READING,
    evaluate_household,
    household_view,
)
from forms.criteria.result import LOOKS, MET, UNKNOWN
from forms.entities import FINANCE
from forms.fields import blank
from forms.validation import check_value, parse_value
from storage.snapshots import household_snapshot

from .editing import Editing
from .fields import FormSection

FINANCE_KEYS = tuple(k for k in FINANCE.keys if k not in ("household_id", "year"))
# The two criteria read from this tab, with the figure each shows per person.
PER_CAPITA = {1: "人均可支配收入", 12: "人均生活消费支出"}
RULES = tuple(r for r in HOUSEHOLD_RULES if r.no in PER_CAPITA)


class FinanceTab(QWidget):
    """收入支出 by year; the per-capita figures follow the typing (criteria 1 and 12)."""

    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household_id: str | None = None
        self.snapshot: dict | None = None  # household, members, policy of the year shown
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

    def show_year(self, year: int) -> None:
        i = self.year.findData(year)
        if i >= 0 and year != self.current_year():
            self.year.setCurrentIndex(i)

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
        year = self.current_year()
        self._shown_year = year
        if not self.household_id or year is None:
            self.snapshot = None
            self.form.set_record(None)
            self.figures.clear()
            return
        self.snapshot = household_snapshot(self.editing.store, self.household_id, year)
        record = (self.snapshot or {}).get("finance") or {}
        if force is None:
            self.form.set_record(record)
        else:
            self.form.sync(record, force)
        self.update_figures()

    def _save(self, key: str, raw) -> str | None:
        if not self.household_id or self.current_year() is None:
            return None
        return self.editing.save_finance(self.household_id, self.current_year(), key, raw)

    def typed(self) -> dict:
        """The figures as typed: a blank or refused input is missing, never 0."""
        values = {}
        for key, row in self.form.rows.items():
            raw = row.input.raw()
            if not blank(raw) and check_value(row.field, raw) is None:
                values[key] = parse_value(row.field, raw)
        return values

    def update_figures(self) -> None:
        if self.snapshot is None:
            self.figures.clear()
            return
        typed = self.typed()
        finance = {**(self.snapshot.get("finance") or {}), **dict.fromkeys(FINANCE_KEYS), **typed}
        snap = {**self.snapshot, "finance": finance if typed else None}
        evaluation = evaluate_household(snap, RULES)
        # the year's members (present on 31 December), as the rules divide by them
        parts = [self.tr("家庭成员 {0} 人").format(household_view(snap).n)]
        for c in evaluation.criteria:
            label = self.tr(PER_CAPITA[c.no])
            if c.status == UNKNOWN:
                parts.append(f"{label}：" + html.escape("；".join(c.reasons)))
                continue
            ok = c.status == MET
            if c.figures.get("reading") == SAFETY_NET_READING:
                # met on the safety-net path: the rule's own sentence, not "> the line"
                parts.append(
                    f"{label}：<b style='color:{LOOKS[c.status].colour}'>"
                    + html.escape(c.reasons[0])
                    + "</b>"
                )
                continue
            # A rich-text label: a bare "<" would open a tag and swallow the rest.
            sign = (">" if ok else "≤") if c.no == 1 else ("≥" if ok else "<")
            parts.append(
                f"{label}：<b style='color:{LOOKS[c.status].colour}'>{c.figures['per_capita']:,.2f} 元</b> "
                + html.escape(sign + " ")
                + self.tr("贫困线 {0} 元").format(f"{c.figures['poverty_line']:g}")
            )
        self.figures.setText("<br>".join(parts))
