"""The operator list survives a restart, also when only one name was ever saved."""

from PySide6.QtCore import QSettings

from gui.dialogs import OperatorDialog, _operators, remember_operator


def test_one_saved_operator_reads_back_as_one_name(qtbot, tmp_path):
    path = str(tmp_path / "fupin.ini")
    remember_operator(QSettings(path, QSettings.IniFormat), "张晓东")
    again = QSettings(path, QSettings.IniFormat)  # a new process reads the ini file
    assert _operators(again) == ["张晓东"]
    dialog = OperatorDialog(again)
    qtbot.addWidget(dialog)
    assert [dialog.combo.itemText(i) for i in range(dialog.combo.count())] == ["张晓东"]
    remember_operator(again, "李海燕")
    assert _operators(QSettings(path, QSettings.IniFormat)) == ["李海燕", "张晓东"]
