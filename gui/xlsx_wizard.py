"""文件 → 导入 Excel 台账… and 导出 Excel…: the ledger a team already keeps brought into the
register (storage.xlsx_import) in four steps — the file, the columns, the check, the import —
and the register written out as a workbook (storage.xlsx_export). Reading the workbook and
checking its rows run on a worker's read-only connection; nothing is written before the last
step, and then only through gui.editing.Editing.import_xlsx."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from forms import ledger
from forms.fields import blank
from storage import browse
from storage import xlsx_import as X
from storage.db import StorageError
from storage.register import default_year, list_villages
from storage.xlsx_read import Sheet, WorkbookError, letter

from .editing import Editing
from .fields import ERROR_STYLE
from .tasks import Task
from .xlsx_mappings import MappingMemory

BY_COLUMN = ""  # the village combo's "按表中的“行政村”列" (a village's code otherwise)
SAMPLES = 3  # sample values shown per column
PROBLEM_BACKGROUND = QColor("#fdecea")


def _t(text: str) -> str:
    return QCoreApplication.translate("xlsx", text)


# -- file dialogs (tests replace them) ---------------------------------------------------------
def choose_open(parent, title: str, pattern: str) -> str:
    return QFileDialog.getOpenFileName(parent, title, "", pattern)[0]


def choose_save(parent, title: str, suggested: str, pattern: str) -> str:
    return QFileDialog.getSaveFileName(parent, title, suggested, pattern)[0]


def _with_suffix(name: str, suffix: str) -> Path:
    return Path(name if name.lower().endswith(suffix) else name + suffix)


# -- small widgets -----------------------------------------------------------------------------
class _Label(QLabel):
    """A label that takes no room while it says nothing."""

    def __init__(self):
        super().__init__()
        self.setVisible(False)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.setVisible(False)


def _error_label() -> QLabel:
    label = _Label()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def _text_label() -> QLabel:
    label = _Label()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels([_t(c) for c in columns])
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)  # one line a row; the whole text is the cell's tooltip
    return table


def _item(text) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setToolTip(item.text())
    return item


def cells(table: QTableWidget) -> list[list[str]]:
    """A table's texts, row by row (a cell holding a combo gives the combo's text)."""
    out = []
    for r in range(table.rowCount()):
        row = []
        for c in range(table.columnCount()):
            widget = table.cellWidget(r, c)
            item = table.item(r, c)
            row.append(widget.currentText() if widget is not None else item.text() if item else "")
        out.append(row)
    return out


def sample_text(value) -> str:
    """A cell as a short text: 3.0 → 3, a date without its midnight time."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip().replace("\n", " ")
    return text if len(text) <= 18 else text[:17] + "…"


def samples(sheet: Sheet, index: int, n: int = SAMPLES) -> str:
    """The first few different values of a column, from the first data rows."""
    out: list[str] = []
    for _, values in sheet.rows[:50]:
        value = values[index] if index < len(values) else None
        text = "" if blank(value) else sample_text(value)
        if text and text not in out:
            out.append(text)
            if len(out) >= n:
                break
    return "、".join(out)


def _village_text(v: dict) -> str:
    return f"{v['township']} {v['name']}（{v['code']}）"


def _derived(target: ledger.Target) -> bool:
    """A column read and not imported (序号, 人均纯收入): no field of the register."""
    return target.entity == "place" and target.key == "derived"


def _has_village_column(mapping: dict, sheets: list[Sheet]) -> bool:
    return any(
        t.entity == "place" and t.key == "village"
        for s in sheets
        for t in mapping.get(s.name, {}).values()
    )


# -- 导入 Excel 台账… --------------------------------------------------------------------------
class XlsxImportWizard(QWizard):
    """选择文件 → 列对应 → 检查 → 导入. `set_path()` takes the file without a file dialog."""

    def __init__(
        self,
        editing: Editing,
        village_id: str | None = None,
        memory: MappingMemory | None = None,
        parent=None,
    ):
        super().__init__(parent)
        self.editing = editing
        self.store = editing.store
        self.memory = memory if memory is not None else MappingMemory()
        self.village_id = village_id  # the village chosen in the tree, if any
        self.villages = list_villages(self.store)
        self.path: Path | None = None
        self.sheets: list[Sheet] = []  # every ledger sheet of the workbook
        self.mapping: dict[str, dict[int, ledger.Target]] = {}
        self.remembered: list[str] = []  # sheets whose mapping came from the memory
        self.plan = None
        self.counts: dict | None = None
        self.setWindowTitle(_t("导入 Excel 台账"))
        self.setWizardStyle(QWizard.ModernStyle)
        self.setOption(QWizard.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.NoCancelButtonOnLastPage, True)
        for button, text in (
            (QWizard.BackButton, "上一步"),
            (QWizard.NextButton, "下一步"),
            (QWizard.CommitButton, "导入"),
            (QWizard.FinishButton, "完成"),
            (QWizard.CancelButton, "取消"),
        ):
            self.setButtonText(button, _t(text))
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.check_page, self.result_page):
            self.addPage(page)
        self.resize(1000, 660)

    # -- what the pages share ------------------------------------------------------------------
    def set_path(self, path: str | os.PathLike) -> None:
        self.file_page.set_path(Path(path))

    def loaded(self, path: Path, sheets: list[Sheet]) -> None:
        """A workbook read: each sheet's mapping the one remembered for its header, or the
        proposal."""
        self.path, self.sheets = path, sheets
        self.mapping, self.remembered = {}, []
        for s in sheets:
            recalled = self.memory.recall(s)
            if recalled is not None:
                self.remembered.append(s.name)
            self.mapping[s.name] = recalled if recalled is not None else s.proposed()

    def chosen_sheets(self) -> list[Sheet]:
        return self.file_page.chosen_sheets()

    def chosen_mapping(self) -> dict[str, dict[int, ledger.Target]]:
        return {s.name: dict(self.mapping.get(s.name, {})) for s in self.chosen_sheets()}

    def village_code(self) -> str | None:
        return self.file_page.village.currentData() or None

    def year(self) -> int:
        return self.file_page.year.value()

    def mapping_problems(self) -> list[str]:
        sheets, mapping = self.chosen_sheets(), self.chosen_mapping()
        out = X.mapping_problems(sheets, mapping)
        if not any(not _derived(t) for columns in mapping.values() for t in columns.values()):
            out.append(_t("没有任何一列对应到登记册的字段：请至少为姓名、户编号等列选择字段"))
        elif (
            self.village_code() is None
            and len(self.villages) > 1
            and not _has_village_column(mapping, sheets)
        ):
            out.append(
                _t(
                    "没有一列对应到“行政村”：请把表中村名所在的列对应到“行政村”，"
                    "或返回上一步，在“导入到”中选择村"
                )
            )
        return out

    def remember_mapping(self) -> None:
        for s in self.chosen_sheets():
            self.memory.remember(s, self.mapping.get(s.name, {}))

    def save_mapping(self, path: str | os.PathLike) -> None:
        """The mapping as a file (fupin-xlsx-mapping/1), for the CLI's --mapping or another
        computer; OSError when it cannot be written."""
        sheets = self.chosen_sheets()
        data = X.mapping_to_json(sheets, self.chosen_mapping())
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")

    def load_mapping(self, path: str | os.PathLike) -> None:
        """A saved mapping applied to the sheets; WorkbookError when it is not one."""
        sheets = self.chosen_sheets()
        self.mapping.update(X.read_mapping(path, sheets))

    def do_import(self) -> str | None:
        """Write the plan's valid households; None when written, else the refusal."""
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            outcome, counts = self.editing.import_xlsx(self.plan)
        finally:
            QApplication.restoreOverrideCursor()
        if outcome.problems:
            return outcome.message()
        self.counts = counts
        return None

    def write_rejected(self, parent) -> str | None:
        """Ask where, and write the rejected rows there; the message to show (or None)."""
        suggested = (self.path.stem if self.path else "台账") + "-有问题的行.xlsx"
        if self.path is not None:
            suggested = str(self.path.with_name(suggested))
        name = choose_save(parent, _t("导出有问题的行"), suggested, _t("Excel 工作簿 (*.xlsx)"))
        if not name:
            return None
        return self.write_rejected_to(_with_suffix(name, ".xlsx"))

    def write_rejected_to(self, path: Path) -> str:
        try:
            n = X.write_rejected(self.plan, path)
        except (OSError, StorageError) as e:  # a full disk, a file open in Excel
            return _t("未能导出：{0}").format(e)
        return _t("有问题的 {0} 行已导出到 {1}（最后一列是错误原因），改正后可重新导入").format(
            n, path
        )


class FilePage(QWizardPage):
    """The workbook (read on a worker), which sheet, which village, which year."""

    def __init__(self, wizard: XlsxImportWizard):
        super().__init__()
        self.wizard_ = wizard
        self._generation = 0
        self.busy = False
        self.setTitle(_t("选择文件"))
        self.setSubTitle(
            _t("选择要导入的 Excel 台账（.xlsx），以及导入到哪个村。这一步不会写入任何数据。")
        )
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_t("请选择 .xlsx 文件"))
        self.browse = QPushButton(_t("浏览…"))
        self.browse.clicked.connect(self._browse)
        row.addWidget(QLabel(_t("台账文件")))
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse)
        layout.addLayout(row)
        self.status = _text_label()
        layout.addWidget(self.status)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.form = QFormLayout()
        self.sheet = QComboBox()
        self.sheet.currentIndexChanged.connect(self._sheet_chosen)
        self.form.addRow(_t("工作表"), self.sheet)
        self.village = QComboBox()
        self.village.setMinimumWidth(320)
        self.village.currentIndexChanged.connect(lambda _i: self.completeChanged.emit())
        self.form.addRow(_t("导入到"), self.village)
        self.year = QSpinBox()
        self.year.setRange(2000, 2035)
        self.year.setValue(default_year(wizard.store))
        year_row = QHBoxLayout()
        year_row.addWidget(self.year)
        year_hint = QLabel(_t("表中收入、支出各列（如工资性收入）所属的年度"))
        year_hint.setStyleSheet("color: #555;")
        year_row.addWidget(year_hint, 1)
        self.form.addRow(_t("收支年度"), year_row)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.form.setRowVisible(self.sheet, False)
        self._fill_villages()
        if not wizard.villages:
            self.error.setText(
                _t("登记册中还没有村：请先在“档案 → 新建村…”中添加村，再导入它的贫困户")
            )

    def _browse(self) -> None:
        name = choose_open(self, _t("导入 Excel 台账"), _t("Excel 工作簿 (*.xlsx);;所有文件 (*)"))
        if name:
            self.set_path(Path(name))

    def set_path(self, path: Path) -> None:
        """Read the workbook off the GUI thread (a county's 280,000 rows take a while)."""
        self.path_edit.setText(str(path))
        self._generation += 1
        generation = self._generation
        self.busy = True
        self.wizard_.loaded(path, [])
        self.error.clear()
        self.status.setText(_t("正在读取 {0}…").format(path.name))
        self.sheet.clear()
        self.form.setRowVisible(self.sheet, False)
        self.completeChanged.emit()

        def work(_task):
            skipped: list[str] = []
            try:
                return generation, path, (X.read(path, skipped=skipped), skipped)
            except WorkbookError as e:  # the reason in Chinese, shown in the page
                return generation, path, e

        task = Task(work)
        task.signals.finished.connect(self._read)
        task.signals.failed.connect(self._read_failed)
        self.task = task.start()

    def _read(self, result) -> None:
        generation, path, sheets = result
        if generation != self._generation:
            return  # another file was chosen meanwhile
        self.busy = False
        if isinstance(sheets, WorkbookError):
            self.status.clear()
            self.error.setText(str(sheets))
            self.completeChanged.emit()
            return
        sheets, skipped = sheets
        self.wizard_.loaded(path, sheets)
        self.sheet.blockSignals(True)
        self.sheet.addItem(_t("全部工作表（{0}个）").format(len(sheets)), "")
        for s in sheets:
            self.sheet.addItem(s.name, s.name)
        self.sheet.blockSignals(False)
        self.form.setRowVisible(self.sheet, len(sheets) > 1)
        self.status.setText(
            "\n".join(
                _t("工作表“{0}”：表头在第{1}行，{2}列，{3}行数据").format(
                    s.name, "、".join(map(str, s.header_rows)), len(s.columns), len(s.rows)
                )
                for s in sheets
            )
            + "".join(
                "\n" + _t("工作表“{0}”中没有台账的表头，不读取").format(name) for name in skipped
            )
        )
        self._fill_villages()
        if not self.wizard_.villages:
            self.error.setText(
                _t("登记册中还没有村：请先在“档案 → 新建村…”中添加村，再导入它的贫困户")
            )
        self.completeChanged.emit()

    def _read_failed(self, message: str) -> None:
        self.busy = False
        self.status.clear()
        self.error.setText(_t("无法读取这个文件：{0}").format(message))
        self.completeChanged.emit()

    def _sheet_chosen(self, _index: int) -> None:
        self._fill_villages()
        self.completeChanged.emit()

    def chosen_sheets(self) -> list[Sheet]:
        name = self.sheet.currentData()
        return [s for s in self.wizard_.sheets if not name or s.name == name]

    def _fill_villages(self) -> None:
        """The register's villages; "按表中的“行政村”列" first, and chosen, when the sheets have
        such a column."""
        w = self.wizard_
        self.village.blockSignals(True)
        self.village.clear()
        if _has_village_column(w.mapping, self.chosen_sheets()):
            self.village.addItem(_t("按表中的“行政村”列"), BY_COLUMN)
        for v in w.villages:
            self.village.addItem(_village_text(v), v["code"])
        if self.village.itemData(0) != BY_COLUMN and w.village_id:
            code = next((v["code"] for v in w.villages if v["id"] == w.village_id), None)
            if code is not None:
                self.village.setCurrentIndex(self.village.findData(code))
        self.village.blockSignals(False)

    def isComplete(self) -> bool:
        w = self.wizard_
        return bool(not self.busy and w.sheets and w.villages and self.village.count())


MAPPING_COLUMNS = ("工作表", "列", "标题", "示例", "对应到")


class MappingPage(QWizardPage):
    """One row per column: its letter, title, first values and the field it goes to."""

    def __init__(self, wizard: XlsxImportWizard):
        super().__init__()
        self.wizard_ = wizard
        self.rows: list[tuple[str, int, QComboBox]] = []  # (sheet, column index, combo)
        self._built_for: tuple = ()
        self.problems: list[str] = []
        self.setTitle(_t("列对应"))
        self.setSubTitle(
            _t(
                "表中每一列对应到登记册的哪个字段。已按列标题自动识别，请逐列核对；"
                "不需要的列选“不导入”。"
            )
        )
        layout = QVBoxLayout(self)
        self.info = _text_label()
        layout.addWidget(self.info)
        self.table = _table(MAPPING_COLUMNS)
        layout.addWidget(self.table, 1)
        self.error = _error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_t("保存对应方案…"))
        self.save_button.setToolTip(_t("把列对应存为文件，在另一台电脑或命令行（--mapping）中再用"))
        self.save_button.clicked.connect(self._save)
        self.load_button = QPushButton(_t("载入对应方案…"))
        self.load_button.clicked.connect(self._load)
        self.reset_button = QPushButton(_t("恢复自动识别"))
        self.reset_button.clicked.connect(self.reset)
        for b in (self.save_button, self.load_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.saved = _text_label()
        buttons.addWidget(self.saved, 2)
        layout.addLayout(buttons)
        names = [("不导入", "")] + [(t.label, t.name) for t in ledger.targets()]
        self.choices = [(_t(label) if not name else label, name) for label, name in names]

    def initializePage(self) -> None:
        sheets = self.wizard_.chosen_sheets()
        key = tuple(id(s) for s in sheets)
        if key != self._built_for:  # back and forward again keeps the choices made
            self._built_for = key
            self._build(sheets)
        remembered = [n for n in self.wizard_.remembered if any(s.name == n for s in sheets)]
        self.info.setText(
            _t("已套用上次对同样表头所选的列对应（工作表{0}）。").format(
                "、".join(f"“{n}”" for n in remembered)
            )
            if remembered
            else ""
        )
        self.saved.clear()
        self._check()

    def _build(self, sheets: list[Sheet]) -> None:
        w = self.wizard_
        self.table.setRowCount(0)
        self.rows = []
        total = sum(len(s.columns) for s in sheets)
        self.table.setRowCount(total)
        r = 0
        for s in sheets:
            chosen = w.mapping.get(s.name, {})
            for c in s.columns:
                self.table.setItem(r, 0, _item(s.name))
                self.table.setItem(r, 1, _item(c.letter))
                self.table.setItem(r, 2, _item(c.title or _t("（无标题）")))
                self.table.setItem(r, 3, _item(samples(s, c.index)))
                combo = QComboBox()
                for label, name in self.choices:
                    combo.addItem(label, name)
                combo.setMaxVisibleItems(20)
                target = chosen.get(c.index)
                combo.setCurrentIndex(max(0, combo.findData(target.name if target else "")))
                combo.currentIndexChanged.connect(
                    lambda _i, sheet=s.name, index=c.index, box=combo: self._chosen(
                        sheet, index, box
                    )
                )
                self.table.setCellWidget(r, 4, combo)
                self.rows.append((s.name, c.index, combo))
                r += 1
        self.table.setColumnHidden(0, len(sheets) < 2)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.setColumnWidth(2, min(self.table.columnWidth(2), 260))
        self.table.setColumnWidth(4, max(self.table.columnWidth(4), 230))

    def combo_for(self, column: str, sheet: str | None = None) -> QComboBox:
        """The target combo of a column by its letter (tests, and the user's eye)."""
        for name, index, combo in self.rows:
            if letter(index) == column and (sheet is None or name == sheet):
                return combo
        raise KeyError(column)

    def _chosen(self, sheet: str, index: int, combo: QComboBox) -> None:
        name = combo.currentData()
        columns = self.wizard_.mapping.setdefault(sheet, {})
        if name:
            columns[index] = ledger.Target.parse(name)
        else:
            columns.pop(index, None)
        self.saved.clear()
        self._check()

    def _check(self) -> None:
        self.problems = self.wizard_.mapping_problems()
        self.error.setText("\n".join(self.problems))
        twice = self._chosen_twice()
        for r, (sheet, index, _combo) in enumerate(self.rows):
            bad = (sheet, index) in twice
            for c in range(4):
                item = self.table.item(r, c)
                item.setBackground(QBrush(PROBLEM_BACKGROUND) if bad else QBrush())
        self.completeChanged.emit()

    def _chosen_twice(self) -> set[tuple[str, int]]:
        w = self.wizard_
        clashes = X.mapping_clashes(w.chosen_sheets(), w.chosen_mapping())
        return {(sheet.name, c.index) for sheet, cols, _ in clashes for c in cols}

    def reset(self) -> None:
        """Every column back to the proposal from its title."""
        for s in self.wizard_.chosen_sheets():
            self.wizard_.mapping[s.name] = s.proposed()
        self.wizard_.remembered = []
        self._apply_to_combos()
        self.info.clear()

    def _apply_to_combos(self) -> None:
        for sheet, index, combo in self.rows:
            target = self.wizard_.mapping.get(sheet, {}).get(index)
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(target.name if target else "")))
            combo.blockSignals(False)
        self._check()

    def _save(self) -> None:
        w = self.wizard_
        suggested = (w.path.stem if w.path else "台账") + "-列对应.json"
        if w.path is not None:
            suggested = str(w.path.with_name(suggested))
        name = choose_save(self, _t("保存对应方案"), suggested, _t("对应方案 (*.json)"))
        if name:
            self.save_to(_with_suffix(name, ".json"))

    def save_to(self, path: Path) -> None:
        try:
            self.wizard_.save_mapping(path)
        except OSError as e:
            self.saved.setText(_t("未能保存：{0}").format(e.strerror or e))
            return
        self.saved.setText(_t("已保存到 {0}").format(path))

    def _load(self) -> None:
        name = choose_open(self, _t("载入对应方案"), _t("对应方案 (*.json);;所有文件 (*)"))
        if name:
            self.load_from(Path(name))

    def load_from(self, path: Path) -> None:
        try:
            self.wizard_.load_mapping(path)
        except WorkbookError as e:
            self.saved.setText(str(e))
            return
        self._apply_to_combos()
        self.saved.setText(_t("已载入 {0}").format(path.name))

    def isComplete(self) -> bool:
        return not self.problems

    def validatePage(self) -> bool:
        self.wizard_.remember_mapping()
        return True


PROBLEM_COLUMNS = ("工作表", "行", "列", "原因")


def summary(counts: dict) -> str:
    text = _t(
        "检查了 {rows} 行：新增户 {households_new}，已有户 {households_matched}，"
        "新增成员 {members_new}，已有成员 {members_matched}；"
        "有问题的户 {households_rejected}（{rows_rejected} 行）"
    ).format(**counts)
    if counts.get("totals_skipped"):
        text += _t("；跳过合计行 {0}").format(counts["totals_skipped"])
    return text


class CheckPage(QWizardPage):
    """Every row checked (on a worker, nothing written): the counts, the notes, the problems;
    导入 once there are valid households and no problems, or only the valid ones are wanted."""

    def __init__(self, wizard: XlsxImportWizard):
        super().__init__()
        self.wizard_ = wizard
        self._generation = 0
        self.busy = False
        self.setTitle(_t("检查"))
        self.setSubTitle(
            _t(
                "逐行检查表中的数据，尚未写入登记册。有问题的行可以导出，改正后重新导入；"
                "也可以只导入没有问题的户。"
            )
        )
        self.setCommitPage(True)
        layout = QVBoxLayout(self)
        self.status = _text_label()
        layout.addWidget(self.status)
        self.notes = _text_label()
        layout.addWidget(self.notes)
        self.error = _error_label()
        layout.addWidget(self.error)
        self.table = _table(PROBLEM_COLUMNS)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.export_button = QPushButton(_t("导出有问题的行…"))
        self.export_button.setToolTip(
            _t("有问题的行连同表头写入新的工作簿，最后一列是错误原因；改正后可重新导入")
        )
        self.export_button.clicked.connect(self._export)
        self.valid_only = QCheckBox(_t("只导入没有问题的户"))
        self.valid_only.toggled.connect(lambda _on: self.completeChanged.emit())
        row.addWidget(self.export_button)
        row.addWidget(self.valid_only)
        row.addStretch(1)
        layout.addLayout(row)
        self.exported = _text_label()
        layout.addWidget(self.exported)

    def initializePage(self) -> None:
        w = self.wizard_
        w.plan = None
        self._generation += 1
        generation = self._generation
        self.busy = True
        for label in (self.notes, self.error, self.exported):
            label.clear()
        self.table.setRowCount(0)
        self.table.setVisible(False)
        self.export_button.setVisible(False)
        self.valid_only.setVisible(False)
        self.valid_only.setChecked(False)
        self.status.setText(_t("正在检查…"))
        path, sheets, mapping = w.store.path, w.chosen_sheets(), w.chosen_mapping()
        code, year = w.village_code(), w.year()

        def work(_task):
            reader = browse.open_reader(path)
            try:
                plan = X.plan_import(reader, sheets, mapping, village_code=code, year=year)
            except WorkbookError as e:
                return generation, e
            finally:
                reader.close()
            return generation, plan

        task = Task(work)
        task.signals.finished.connect(self._checked)
        task.signals.failed.connect(self._check_failed)
        self.task = task.start()
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        self._generation += 1  # a check still running is of a mapping being changed
        self.busy = False
        self.wizard_.plan = None

    def _checked(self, result) -> None:
        generation, plan = result
        if generation != self._generation:
            return
        self.busy = False
        if isinstance(plan, WorkbookError):
            self.status.clear()
            self.error.setText(str(plan))
            self.completeChanged.emit()
            return
        self.wizard_.plan = plan
        self.status.setText(summary(plan.counts))
        self.notes.setText("\n".join(_t("说明：{0}").format(n) for n in plan.notes))
        problems = plan.problems
        self.table.setVisible(bool(problems))
        self.table.setRowCount(len(problems))
        for r, p in enumerate(problems):
            column = f"{p.column}（{p.title}）" if p.column else _t("整行")
            for c, text in enumerate((p.sheet, p.row, column, p.message)):
                self.table.setItem(r, c, _item(text))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, min(self.table.columnWidth(2), 240))
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.export_button.setVisible(bool(plan.rejected_rows))
        self.valid_only.setVisible(bool(problems) and bool(plan.houses))
        if not plan.houses:
            self.error.setText(_t("没有可以导入的户：请改正表中的问题后重新导入"))
        elif problems:
            self.error.setText(
                _t(
                    "有 {0} 处问题，涉及 {1} 户：改正后重新导入，"
                    "或勾选“只导入没有问题的户”先导入其余 {2} 户"
                ).format(len(problems), plan.counts["households_rejected"], len(plan.houses))
            )
        self.completeChanged.emit()

    def _check_failed(self, message: str) -> None:
        self.busy = False
        self.status.clear()
        self.error.setText(_t("检查时出错，未作任何改动：{0}").format(message))
        self.completeChanged.emit()

    def _export(self) -> None:
        message = self.wizard_.write_rejected(self)
        if message:
            self.exported.setText(message)

    def isComplete(self) -> bool:
        plan = self.wizard_.plan
        if self.busy or plan is None or not plan.houses:
            return False
        return not plan.problems or self.valid_only.isChecked()

    def validatePage(self) -> bool:
        if not self.isComplete():
            return False
        refusal = self.wizard_.do_import()
        if refusal:
            self.error.setText(_t("未能导入，登记册未作任何修改：{0}").format(refusal))
            return False
        return True


class ResultPage(QWizardPage):
    """What was written; the rows left out can still be exported."""

    def __init__(self, wizard: XlsxImportWizard):
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(_t("导入"))
        self.setSubTitle(_t("表中没有问题的户已写入登记册。"))
        layout = QVBoxLayout(self)
        self.report = _text_label()
        layout.addWidget(self.report)
        self.left_out = _text_label()
        layout.addWidget(self.left_out)
        row = QHBoxLayout()
        self.export_button = QPushButton(_t("导出有问题的行…"))
        self.export_button.clicked.connect(self._export)
        row.addWidget(self.export_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.exported = _text_label()
        layout.addWidget(self.exported)
        layout.addStretch(1)

    def initializePage(self) -> None:
        c = self.wizard_.counts or {}
        text = _t(
            "导入完成：新增户 {households_added}，更改户 {households_changed}，"
            "新增成员 {members_added}，更改成员 {members_changed}，收支 {finances}，"
            "新增社 {groups_added}；未变的户 {households_unchanged}，未变的成员 {members_unchanged}"
        ).format(**c)
        written = sum(v for k, v in c.items() if not k.endswith("unchanged"))
        if not written:
            text += "\n" + _t("表中的户和成员都已在登记册中，且没有不同之处：没有需要写入的数据。")
        self.report.setText(text)
        plan = self.wizard_.plan
        rejected = plan.counts["households_rejected"] if plan else 0
        self.left_out.setText(
            _t("有问题的 {0} 户（{1} 行）未导入：导出后改正，再导入即可。").format(
                rejected, plan.counts["rows_rejected"]
            )
            if rejected
            else ""
        )
        self.export_button.setVisible(bool(rejected))
        self.exported.clear()

    def _export(self) -> None:
        message = self.wizard_.write_rejected(self)
        if message:
            self.exported.setText(message)


# -- 导出 Excel… -------------------------------------------------------------------------------
