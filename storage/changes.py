"""What one write touched (Changes), so that each view refreshes only what the flags name."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class Changes:
    """What one write touched. Views read the flags: a visit note does not re-run criteria."""

    households: set[str] = field(default_factory=set)  # households whose data changed
    household_fields: set[str] = field(default_factory=set)  # keys of those records changed
    members: bool = False  # a member added, removed or edited
    finances: bool = False  # income and expenditure
    criteria: bool = False  # an input of the criteria changed (for `households`, or all)
    tree: bool = False  # the scope tree's places or counts
    visits: bool = False
    measures: bool = False
    status: bool = False  # a status change (its history)
    procedures: bool = False  # a procedure step or a yearly exit plan
    facts: bool = False  # village or county facts
    policy: bool = False  # yearly policy values: every household's criteria of that year
    register: bool = False  # villages, groups or cadres
    closed_years: bool = False  # a year closed or reopened: every household's criteria of it
    everything: bool = False  # a whole-file change (an import): every view reloads
    # The one record an edit wrote, as stored now, and {field: (old, new)} for undo.
    entity: str | None = None
    record_id: str | None = None
    record: dict | None = None
    diff: dict = field(default_factory=dict)
    created: str | None = None  # the id of a new record

    def __bool__(self) -> bool:
        return bool(self.diff or self.created or self.everything or self._flags())

    def _flags(self) -> bool:
        return any(getattr(self, f.name) is True for f in fields(self))

    def __or__(self, other: "Changes") -> "Changes":
        merged = Changes(
            households=self.households | other.households,
            household_fields=self.household_fields | other.household_fields,
        )
        for f in fields(self):
            if isinstance(getattr(self, f.name), bool):
                setattr(merged, f.name, getattr(self, f.name) or getattr(other, f.name))
        for key in ("entity", "record_id", "record", "created"):
            setattr(merged, key, getattr(self, key) or getattr(other, key))
        merged.diff = {**self.diff, **other.diff}
        return merged
