"""Bulk reads the printed reports need that no other view does: a village's visits and status
history in one query each (never one query per household)."""

from __future__ import annotations

from .db import Store

# The village's households, as a sub-select: the values still go in as parameters.
_OF_VILLAGE = "household_id in (select id from households where deleted = 0 and village_id = ?)"


def village_visits(store: Store, village_id: str) -> list[dict]:
    """Every visit (入户走访) to a household of the village, oldest first."""
    return store.find("visits", _OF_VILLAGE, [village_id], order_by="date, created_at")


def village_status_history(store: Store, village_id: str) -> list[dict]:
    """Every status change of the village's households, oldest first ("有进有出、动态管理")."""
    return store.find("status_history", _OF_VILLAGE, [village_id], order_by="date, created_at")
