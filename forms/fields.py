"""The Field type: one declaration per field, read by storage, validation, the GUI, Excel and PDFs."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

# Field kinds. Each has one validator in forms/validation.py and one widget in gui/.
TEXT = "text"  # free text
INT = "int"  # whole number, optional min/max
YEAR = "year"  # a year, 2000..2035
MONEY = "money"  # 元, not negative, two decimals
AREA = "area"  # m² or 亩, not negative
NUMBER = "number"  # any non-negative decimal (km, %)
PERCENT = "percent"  # 0..100
DATE = "date"  # ISO yyyy-mm-dd
BOOL = "bool"  # 是 / 否 / missing
ENUM = "enum"  # one of choices
MULTI = "multi"  # list of choices (may be empty = none)
ID_NUMBER = "id_number"  # 18-character resident ID (GB 11643-1999)
PHONE = "phone"  # 11-digit mobile or landline with area code
DIVISION_CODE = "division_code"  # 12-digit administrative division code
REF = "ref"  # id of a record of another entity (ref_entity)

KINDS = {
    TEXT,
    INT,
    YEAR,
    MONEY,
    AREA,
    NUMBER,
    PERCENT,
    DATE,
    BOOL,
    ENUM,
    MULTI,
    ID_NUMBER,
    PHONE,
    DIVISION_CODE,
    REF,
}


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # Chinese label shown to the user
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    help: str = ""
    unit: str = ""  # 元, m², 亩, km, 月, %
    ref_entity: str | None = None  # for REF fields
    public: bool = True  # False: never printed on a public notice (health etc.)
    # Older words read as a choice on entry and import ((old, current) pairs): 新识别 → 未脱贫.
    aliases: tuple[tuple[str, str], ...] = ()
    # Not an input of any verdict (contacts, places): a closed year shows it as it is now
    # instead of freezing it (storage.closing).
    live: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r} for {self.key}")
        if self.kind in (ENUM, MULTI) and not self.choices:
            raise ValueError(f"{self.key}: enum field without choices")


@dataclass(frozen=True)
class Form:
    """An entity's fields, in display order."""

    entity: str
    label: str
    fields: tuple[Field, ...]
    record_label: str = "key"  # key of the field that names a record in messages
    sections: dict[str, tuple[str, ...]] = dc_field(default_factory=dict)

    def __getitem__(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def __contains__(self, key: str) -> bool:
        return any(f.key == key for f in self.fields)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    def get(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


def blank(value: Any) -> bool:
    """A value the user left out: None, empty or whitespace-only text."""
    return value is None or (isinstance(value, str) and not value.strip())


def display(field: Field, value: Any) -> str:
    """A stored value as the user reads it: in an input, a table cell, a visit's before → after."""
    if value is None:
        return ""
    if field.kind == BOOL:
        return "是" if value else "否"
    if (
        field.kind in (MONEY, AREA, NUMBER, PERCENT)
        and isinstance(value, float)
        and value.is_integer()
    ):
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(value)
    return str(value)
