"""入户走访: open a visit, record edits made during it as findings (before → after), the log."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from forms.entities import VISIT
from storage import browse
from storage.activity import visits_of

from .dialogs import RecordDialog
from .editing import Editing
from .tables import RowsModel, make_table


def _what(change: dict) -> str:
    """The field a finding changed, with the member's name for a member's field."""
    label = change.get("label") or change.get("field")
    return f"{change['member']}：{label}" if change.get("member") else label


def _changes_html(changes: list[dict]) -> str:
    if not changes:
        return "<p style='color:#757575'>本次走访未修改档案。</p>"
    rows = "".join(
        f"<tr><td>{_what(c)}</td><td>{c.get('old') or '（空）'}</td>"
        f"<td>→</td><td><b>{c.get('new') or '（空）'}</b></td></tr>"
        for c in changes
    )
    return f"<table cellspacing=4>{rows}</table>"


class VisitsTab(QWidget):
    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household: dict | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.start_button = QPushButton(self.tr("新建走访…"))
        self.start_button.clicked.connect(self.start_visit_dialog)
        self.end_button = QPushButton(self.tr("结束走访…"))
        self.end_button.clicked.connect(self.end_visit_dialog)
        self.state = QLabel()
        row.addWidget(self.start_button)
        row.addWidget(self.end_button)
        row.addWidget(self.state, 1)
        layout.addLayout(row)
        cadre_name = lambda r: self._cadres.get(r.get("cadre_id"), "")  # noqa: E731
        self._cadres: dict[str, str] = {}
        self.model = RowsModel(
            [
                (self.tr("走访日期"), "date"),
                (self.tr("走访干部"), cadre_name),
                (self.tr("走访目的"), "purpose"),
                (self.tr("走访发现"), "findings"),
                (self.tr("档案变更"), lambda r: len(r.get("changes") or []) or ""),
            ],
            self,
        )
        self.table = make_table(self.model, stretch_column=3)
        self.table.selectionModel().currentRowChanged.connect(self._show)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        self.detail = QTextBrowser()
        split.addWidget(self.detail)
        split.setSizes([220, 160])
        layout.addWidget(split, 1)
        self._update_state()

    def set_household(self, household: dict | None) -> None:
        self.household = household
        self.refresh()

    def refresh(self) -> None:
        store = self.editing.store
        if self.household:
            self._cadres = dict(browse.cadre_choices(store))
            self.model.set_rows(visits_of(store, self.household["id"]))
        else:
            self.model.set_rows([])
        if self.model.rows:
            self.table.selectRow(0)
        else:
            self.detail.clear()
        self._update_state()

    def _show(self, current, _previous=None) -> None:
        row = current.data(Qt.UserRole) if current.isValid() else None
        if not row:
            self.detail.clear()
            return
        parts = [f"<p><b>{row.get('date')}</b>　{row.get('purpose') or ''}</p>"]
        for key in ("findings", "note", "follow_up"):
            if row.get(key):
                parts.append(f"<p><b>{VISIT[key].label}：</b>{row[key]}</p>")
        parts.append(f"<p><b>{self.tr('档案变更（前 → 后）')}</b></p>")
        parts.append(_changes_html(row.get("changes") or []))
        self.detail.setHtml("".join(parts))

    def _update_state(self) -> None:
        visit = self.editing.visit
        here = bool(visit and self.household and visit["household_id"] == self.household["id"])
        self.start_button.setEnabled(bool(self.household) and not visit)
        self.end_button.setEnabled(here)
        if here:
            self.state.setText(
                self.tr("走访进行中（{0}）：此时的修改记为本次走访的发现").format(visit["date"])
            )
            self.state.setStyleSheet("color:#e65100; font-weight:bold;")
        elif visit:
            self.state.setText(self.tr("另一户的走访尚未结束"))
            self.state.setStyleSheet("color:#e65100;")
        else:
            self.state.setText("")

    def start_visit_dialog(self) -> RecordDialog | None:
        if not self.household or self.editing.visit:
            return None
        household = self.household
        store = self.editing.store

        def submit(values: dict):
            return self.editing.start_visit(household["id"], values).problems

        dialog = RecordDialog(
            self.tr("新建走访"),
            VISIT,
            ("date", "cadre_id", "purpose"),
            submit,
            self,
            values={"date": date.today().isoformat(), "cadre_id": household.get("cadre_id")},
            choices={"cadre_id": browse.cadre_choices(store, household["village_id"])},
            intro=self.tr(
                "走访开始后，对本户档案的每一处修改都记为本次走访的发现（修改前 → 修改后）。"
            ),
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def end_visit_dialog(self) -> RecordDialog | None:
        visit = self.editing.visit
        if not visit:
            return None
        store = self.editing.store

        def submit(values: dict):
            return self.editing.end_visit(values).problems

        current = store.get("visits", visit["id"]) or {}
        dialog = RecordDialog(
            self.tr("结束走访"),
            VISIT,
            ("findings", "note", "follow_up"),
            submit,
            self,
            values=current,
        )
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog
