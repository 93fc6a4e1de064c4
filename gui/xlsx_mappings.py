"""The column mapping the user last chose for each ledger header, remembered for next time."""

from __future__ import annotations

import json
import os
from pathlib import Path

from forms import ledger
from storage import xlsx_import as X
from storage.xlsx_read import Sheet, WorkbookError

MEMORY_FORMAT = "fupin-xlsx-memory/1"


def mappings_file() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("fupin", appauthor=False)) / "xlsx-mappings.json"


def header_key(sheet: Sheet) -> str:
    """A header as remembered: its column titles, sorted (a column moved is the same header)."""
    return json.dumps(sorted(c.title for c in sheet.columns), ensure_ascii=False)


class MappingMemory:
    """The last mapping the user chose for each header seen (one JSON file in the user's data
    folder). Only a mapping that differs from the proposal is kept; a file that cannot be read
    or written is a convenience lost, never an error."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else mappings_file()

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("format") != MEMORY_FORMAT:
            return {}
        headers = data.get("headers")
        return headers if isinstance(headers, dict) else {}

    def recall(self, sheet: Sheet) -> dict[int, ledger.Target] | None:
        columns = self._load().get(header_key(sheet))
        if not isinstance(columns, dict):
            return None
        saved = {"format": X.MAPPING_FORMAT, "sheets": {sheet.name: columns}}
        try:
            return X.mapping_from_json(saved, [sheet])[sheet.name]
        except WorkbookError:  # a field this version no longer has: the proposal instead
            return None

    def remember(self, sheet: Sheet, columns: dict[int, ledger.Target]) -> None:
        headers = self._load()
        key = header_key(sheet)
        if columns == sheet.proposed():
            if key not in headers:
                return
            del headers[key]
        else:
            headers[key] = X.mapping_to_json([sheet], {sheet.name: columns})["sheets"][sheet.name]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"format": MEMORY_FORMAT, "headers": headers}, ensure_ascii=False),
                encoding="utf-8",
            )
            os.replace(tmp, self.path)
        except OSError:
            pass
