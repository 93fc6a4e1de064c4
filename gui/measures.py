"""帮扶措施: a household's measures, a measure from an unmet criterion, the village needs list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from forms import choices as C
from forms.entities import MEASURE
from forms.fields import blank
from storage import browse
from storage.activity import measures_of

from .dialogs import RecordDialog
from .editing import Editing
from .tables import RowsModel, make_table

# The category a measure closing a criterion usually falls in ("一户一策": the plan follows the
# gap). A suggestion the cadre may change; belongs with the criteria declarations in forms/.
SUGGESTED_CATEGORY = {
    1: "产业发展",
    2: "危房改造",
    3: "饮水安全",
    4: "教育资助",
    5: "技能培训",
    6: "产业发展",
    7: "医疗救助",
    8: "社会保障",
    9: "基础设施",
    10: "基础设施",
    11: "金融扶贫",
    12: "产业发展",
}
MEASURE_KEYS = (
    "level",
    "criterion_no",
    "cause",
    "category",
    "description",
    "quantity",
    "unit",
    "money",
    "fund_source",
    "cadre_id",
    "planned_date",
    "status",
    "done_date",
)


def measure_dialog(
    parent: QWidget, editing: Editing, household: dict, criterion=None, measure: dict | None = None
) -> RecordDialog:
    """The 添加帮扶措施 dialog, prefilled from the household and (if given) an unmet criterion;
    with `measure`, the 修改帮扶措施 dialog for that measure."""
    store = editing.store
    intro = ""
    if measure is not None:
        values = {k: measure.get(k) for k in MEASURE_KEYS}
    else:
        values = {
            "level": "户",
            "status": "计划",
            "cause": household.get("main_cause"),
            "cadre_id": household.get("cadre_id"),
        }
    if criterion is not None:
        values["criterion_no"] = criterion.no
        values["category"] = SUGGESTED_CATEGORY.get(criterion.no)
        intro = parent.tr("针对第{0}项“{1}”：{2}").format(
            criterion.no, criterion.title, "；".join(criterion.reasons)
        )

    def submit(v: dict):
        if measure is None:
            outcome = editing.plan_measure(
                {**v, "village_id": household["village_id"], "household_id": household["id"]}
            )
            dialog.result_value = outcome.created
            return outcome.problems
        # every field, a cleared one as missing: an edit may also empty a field (one undo step,
        # and findings of an open visit)
        typed = dialog.section.values()
        return editing.save_record(
            "measure",
            measure["id"],
            household["id"],
            {k: (None if blank(typed.get(k)) else typed.get(k)) for k in MEASURE_KEYS},
        ).problems

    title = parent.tr("添加帮扶措施") if measure is None else parent.tr("修改帮扶措施")
    dialog = RecordDialog(
        title,
        MEASURE,
        MEASURE_KEYS,
        submit,
        parent,
        values=values,
        intro=intro,
        columns=2,
        choices={"cadre_id": browse.cadre_choices(store, household["village_id"])},
    )
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    return dialog


class MeasuresTab(QWidget):
    def __init__(self, editing: Editing, parent=None):
        super().__init__(parent)
        self.editing = editing
        self.household: dict | None = None
        self._cadres: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加措施…"))
        self.add_button.clicked.connect(lambda: self.add_measure_dialog())
        self.edit_button = QPushButton(self.tr("修改…"))
        self.edit_button.clicked.connect(lambda: self.edit_measure_dialog())
        self.done_button = QPushButton(self.tr("标记为已完成"))
        self.done_button.clicked.connect(self.mark_done)
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addWidget(self.done_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.total = QLabel()  # under the table: the button row stays narrow on a laptop
        self.model = RowsModel(
            [
                (
                    self.tr("针对指标"),
                    lambda r: f"第{r['criterion_no']}项" if r.get("criterion_no") else "",
                ),
                (self.tr("措施类别"), "category"),
                (self.tr("措施内容"), "description"),
                (self.tr("资金（元）"), "money"),
                (self.tr("责任人"), lambda r: self._cadres.get(r.get("cadre_id"), "")),
                (self.tr("计划完成"), "planned_date"),
                (self.tr("进度"), "status"),
            ],
            self,
        )
        self.table = make_table(self.model, stretch_column=2)
        self.table.doubleClicked.connect(lambda _i: self.edit_measure_dialog())
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)

    def set_household(self, household: dict | None) -> None:
        self.household = household
        self.refresh()

    def refresh(self) -> None:
        store = self.editing.store
        rows = measures_of(store, self.household["id"]) if self.household else []
        self._cadres = dict(browse.cadre_choices(store)) if rows else {}
        self.model.set_rows(rows)
        money = sum(r.get("money") or 0 for r in rows)
        self.total.setText(self.tr("共{0}项，资金{1:,.0f}元").format(len(rows), money))
        self.add_button.setEnabled(self.household is not None)

    def add_measure_dialog(self, criterion=None) -> RecordDialog | None:
        if not self.household:
            return None
        dialog = measure_dialog(self, self.editing, self.household, criterion)
        dialog.open()
        return dialog

    def selected(self) -> dict | None:
        index = self.table.currentIndex()
        return index.data(Qt.UserRole) if index.isValid() else None

    def edit_measure_dialog(self) -> RecordDialog | None:
        row = self.selected()
        if not self.household or not row:
            return None
        dialog = measure_dialog(self, self.editing, self.household, measure=row)
        dialog.open()
        return dialog

    def mark_done(self) -> None:
        row = self.selected()
        if not row or row.get("status") == C.MEASURE_DONE:
            return
        self.editing.finish_measure(row.get("household_id"), row["id"])


class NeedsPage(QWidget):
    """需求清单: the measures of the scope not yet done, with money."""

    household_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.store = None
        self.filter = browse.HouseholdFilter()
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.model = RowsModel(
            [
                (self.tr("村"), "village"),
                (self.tr("层级"), "level"),
                (self.tr("户编号"), "household_no"),
                (self.tr("户主"), "head"),
                (
                    self.tr("针对指标"),
                    lambda r: f"第{r['criterion_no']}项" if r.get("criterion_no") else "",
                ),
                (self.tr("致贫原因"), "cause"),
                (self.tr("措施类别"), "category"),
                (self.tr("措施内容"), "description"),
                (self.tr("资金（元）"), "money"),
                (self.tr("责任人"), "cadre"),
                (self.tr("计划完成"), "planned_date"),
                (self.tr("进度"), "status"),
            ],
            self,
        )
        self.table = make_table(self.model, stretch_column=7)
        self.table.doubleClicked.connect(self._open)
        layout.addWidget(self.table, 1)

    def set_scope(self, store, flt: browse.HouseholdFilter) -> None:
        self.store, self.filter = store, flt
        self.refresh()

    def refresh(self) -> None:
        if self.store is None or not (self.filter.village_id or self.filter.township):
            self.model.set_rows([])
            self.summary.setText(self.tr("请在左侧选择一个村或乡镇"))
            return
        rows = browse.needs_list(self.store, self.filter)
        self.model.set_rows(rows)
        money = sum(r.get("money") or 0 for r in rows)
        village = sum(1 for r in rows if r["level"] == "村")
        self.summary.setText(
            self.tr("未完成措施 {0} 项（村级 {1}，户级 {2}），资金合计 {3:,.0f} 元").format(
                len(rows), village, len(rows) - village, money
            )
        )

    def _open(self, index) -> None:
        row = index.data(Qt.UserRole)
        if row and row.get("household_id"):
            self.household_requested.emit(row["household_id"])
