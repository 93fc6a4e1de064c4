"""Columns the write path derives from another column of the same record: search keys, not
data. They follow their source on every insert and update, are not written to the change log,
do not travel in packages and are not part of a record's digest (storage.chain)."""

from forms.search import name_initials

# table → derived column → (its source column, how it is derived)
DERIVED = {"members": {"name_initials": ("name", name_initials)}}


def derived_values(table: str, values: dict) -> dict:
    return {
        column: derive(values[source])
        for column, (source, derive) in DERIVED.get(table, {}).items()
        if source in values
    }
