"""The schema as an ordered list of named migrations; a file made by any older version upgrades."""

from __future__ import annotations

from typing import Callable

import sqlite_utils

# Columns every record table carries. `hlc` and `device_id` stamp the last write of the record
# (field-level stamps live in change_log); `deleted` makes deletes soft so that a tombstone can
# travel to the county by USB and win over an older edit there.
RECORD_COLUMNS = {
    "id": str,
    "created_at": str,
    "updated_at": str,
    "hlc": str,
    "device_id": str,
    "deleted": int,
}

# Entity (forms/entities.py) -> table.
TABLES = {
    "village": "villages",
    "group": "groups",
    "cadre": "cadres",
    "household": "households",
    "member": "members",
    "finance": "finances",
    "visit": "visits",
    "measure": "measures",
    "status_change": "status_history",
    "year_closure": "year_closures",
    "frozen_year": "frozen_years",
    "procedure_step": "procedure_steps",
    "exit_plan": "exit_plans",
    "policy": "policy_values",
    "village_facts": "village_facts",
    "county_facts": "county_facts",
}
ENTITIES = {table: entity for entity, table in TABLES.items()}


def _record_table(db: sqlite_utils.Database, name: str, columns: dict, fks=()) -> None:
    db[name].create(
        {**RECORD_COLUMNS, **columns},
        pk="id",
        foreign_keys=list(fks),
        defaults={"deleted": 0},
        not_null={"created_at", "updated_at", "hlc"},
    )


def m001_initial(db: sqlite_utils.Database) -> None:
    """The first schema. Frozen: later changes go in later migrations, never here."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    _record_table(
        db,
        "villages",
        {
            "code": str,
            "name": str,
            "township": str,
            "county": str,
            "is_poor_village": int,
            "planned_exit_year": int,
            "exit_year": int,
            "pairing_unit": str,
            "leader_in_charge": str,
        },
    )
    _record_table(
        db, "groups", {"village_id": str, "name": str}, [("village_id", "villages", "id")]
    )
    _record_table(
        db,
        "cadres",
        {"name": str, "unit": str, "role": str, "phone": str, "village_id": str},
        [("village_id", "villages", "id")],
    )
    _record_table(
        db,
        "households",
        {
            "village_id": str,
            "group_id": str,
            "household_no": str,
            "status": str,
            "identification_year": int,
            "planned_exit_year": int,
            "exit_year": int,
            "poverty_attribute": str,
            "dibao_class": str,
            "main_cause": str,
            "other_causes": str,
            "cadre_id": str,
            "household_size": int,
            "phone": str,
            "housing_safe": int,
            "housing_area_m2": float,
            "water_safe": int,
            "tap_water": int,
            "toilet": str,
            "has_phone": int,
            "has_cable_tv": int,
            "has_internet": int,
            "income_channels": str,
            "borrow_illness": int,
            "borrow_school": int,
            "borrow_marriage": int,
            "farmland_mu": float,
            "irrigated_mu": float,
            "road_distance_km": float,
            "road_type": str,
            "fuel_type": str,
            "in_cooperative": int,
            "has_bank_account": int,
        },
        [
            ("village_id", "villages", "id"),
            ("group_id", "groups", "id"),
            ("cadre_id", "cadres", "id"),
        ],
    )
    _record_table(
        db,
        "members",
        {
            "household_id": str,
            "name": str,
            "id_number": str,
            "relation": str,
            "sex": str,
            "birth_date": str,
            "ethnicity": str,
            "education": str,
            "school_status": str,
            "health": str,
            "labor_ability": str,
            "skills_trained": int,
            "skills_year": int,
            "migrant_work": str,
            "migrant_months": int,
            "ncms": int,
            "pension_insured": int,
        },
        [("household_id", "households", "id")],
    )
    _record_table(
        db,
        "finances",
        {
            "household_id": str,
            "year": int,
            "wage_income": float,
            "operating_income": float,
            "operating_cost": float,
            "property_income": float,
            "transfer_income": float,
            "consumption_expenditure": float,
        },
        [("household_id", "households", "id")],
    )
    _record_table(
        db,
        "visits",
        {
            "household_id": str,
            "cadre_id": str,
            "date": str,
            "purpose": str,
            "findings": str,
            "note": str,
            "follow_up": str,
            "changes": str,
        },
        [("household_id", "households", "id"), ("cadre_id", "cadres", "id")],
    )
    _record_table(
        db,
        "measures",
        {
            "village_id": str,
            "household_id": str,
            "level": str,
            "category": str,
            "cause": str,
            "criterion_no": int,
            "description": str,
            "quantity": float,
            "unit": str,
            "money": float,
            "fund_source": str,
            "cadre_id": str,
            "planned_date": str,
            "status": str,
            "done_date": str,
        },
        [
            ("village_id", "villages", "id"),
            ("household_id", "households", "id"),
            ("cadre_id", "cadres", "id"),
        ],
    )
    _record_table(
        db,
        "status_history",
        {"household_id": str, "status": str, "date": str, "year": int, "reason": str},
        [("household_id", "households", "id")],
    )
    _record_table(
        db,
        "policy_values",
        {
            "year": int,
            "poverty_line": float,
            "province_avg_income": float,
            "province_income_growth_pct": float,
            "dibao_class1_amount": float,
            "dibao_class2_amount": float,
        },
    )
    _record_table(
        db,
        "village_facts",
        {"village_id": str, "year": int, "data": str},
        [("village_id", "villages", "id")],
    )
    _record_table(db, "county_facts", {"county": str, "year": int, "data": str})
    db["change_log"].create(
        {
            "seq": int,
            "hlc": str,
            "device_id": str,
            "operator": str,
            "at": str,
            "table_name": str,
            "record_id": str,
            "op": str,
            "field": str,
            "old": str,
            "new": str,
        },
        pk="seq",
    )
    db["change_log"].create_index(["table_name", "record_id"])
    db["villages"].create_index(["code"])
    db["households"].create_index(["village_id"])
    db["members"].create_index(["household_id"])
    db["finances"].create_index(["household_id", "year"])


def m002_contacts_and_confirmations(db: sqlite_utils.Database) -> None:
    """Household address, member phone, and the confirmation recorded when a household is
    marked 已脱贫 with a criterion still unmet; indexes the desktop app's lookups need."""
    db["households"].add_column("address", str)
    db["members"].add_column("phone", str)
    db["status_history"].add_column("confirmed_unmet", int)
    db["members"].create_index(["id_number"])
    db["measures"].create_index(["village_id"])
    db["measures"].create_index(["household_id"])
    db["visits"].create_index(["household_id", "date"])
    db["status_history"].create_index(["household_id"])
    db["village_facts"].create_index(["village_id", "year"])
    db["groups"].create_index(["village_id"])


def m003_name_initials(db: sqlite_utils.Database) -> None:
    """Members' pinyin initials ("lxh" for 李小红), a search key kept by the write path
    (db.DERIVED); filled in here for the members already in the file."""
    from forms.search import name_initials

    db["members"].add_column("name_initials", str)
    rows = db.execute("select id, name from members").fetchall()
    db.conn.executemany(
        "update members set name_initials = ? where id = ?",
        [(name_initials(name), rid) for rid, name in rows],
    )
    db["members"].create_index(["name_initials"])


def m004_sync_teams(db: sqlite_utils.Database) -> None:
    """The county's work teams for the USB sync: name, villages and the team's key. Not a
    record table: it stays at the county and never travels in a package."""
    db["sync_teams"].create(
        {
            "id": str,
            "name": str,
            "county": str,
            "villages": str,  # JSON list of village codes
            "key": str,  # hex; the current key (files at rest are encrypted in a later step)
            "key_id": str,
            "retired_key_ids": str,  # JSON list: packages under these are refused as re-keyed
            "enrolled_at": str,
        },
        pk="id",
        not_null={"name", "key", "key_id"},
    )
    db["sync_teams"].create_index(["name"], unique=True)


def m005_sync_state(db: sqlite_utils.Database) -> None:
    """What the USB sync remembers, beside the records (never travels as records itself):
    per peer what each side has acknowledged; every package imported or refused; the values
    that lost a merge to a concurrent change, kept until a person decides."""
    db["sync_peers"].create(
        {
            "peer": str,  # a team's id at the county; "county" on a team's laptop
            "device_id": str,  # the peer's device whose sequence numbers these are
            "acked_seq": int,  # the last change_log seq of ours the peer has applied
            "received_seq": int,  # the last seq of the peer's that we have applied
            "received_at": str,
            "received_package": str,
            "sent_at": str,
            "sent_package": str,
            "receipted_inbox": int,  # inbox rows up to this one were in a receipt already
        },
        pk="peer",
    )
    db["sync_inbox"].create(
        {
            "id": int,
            "peer": str,  # None: a package no team of ours sealed
            "package": str,  # the file's name
            "sender_device": str,
            "written_at": str,
            "imported_at": str,
            "result": str,  # applied | refused
            "reason": str,
            "inserted": int,
            "taken": int,
            "kept": int,
            "conflicts": int,
            "future": int,
            "upto": int,
        },
        pk="id",
    )
    db["sync_conflicts"].create(
        {
            "id": str,  # the same everywhere: a hash of the record, field and both stamps
            "table_name": str,
            "record_id": str,
            "field": str,
            "won_value": str,  # JSON of the stored value
            "won_stamp": str,
            "won_author": str,
            "lost_value": str,
            "lost_stamp": str,
            "lost_author": str,
            "incoming_won": int,  # 1: the package's value won here, 0: ours did
            "peer": str,
            "detected_at": str,
            "resolved_at": str,
            "resolution": str,  # mine | theirs
            "resolved_by": str,
        },
        pk="id",
    )
    db["sync_conflicts"].create_index(["resolved_at"])


def m006_duplicate_decisions(db: sqlite_utils.Database) -> None:
    """The county clerk's decisions on one ID number held by members of two households (疑点,
    storage.duplicates): the same person (which member is kept) or different people (whose ID
    number was corrected, and to what). Not a record table: it stays in the file where the
    decision was made; what the decision changed (a member deleted, an ID number corrected)
    travels as ordinary edits through the change log."""
    db["duplicate_decisions"].create(
        {
            "id": str,
            "id_number": str,
            "decision": str,  # 'same' | 'different'
            "keep_member_id": str,  # same: the member kept; the others were deleted
            "corrected_member_id": str,  # different: the member whose ID number was corrected
            "new_id_number": str,
            "note": str,
            "decided_by": str,
            "decided_at": str,
        },
        pk="id",
        not_null={"id_number", "decision", "decided_at"},
    )
    db["duplicate_decisions"].create_index(["id_number", "decided_at"])


def m007_register_over_time(db: sqlite_utils.Database) -> None:
    """The register over time (docs/domain.md): members' joining and leaving, the national
    register's status words, and closed years.

    Status: 新识别, 计划脱贫 and 贫困户 were stored as statuses; they are labels now, and each reads
    as 未脱贫 (the household is still poor). The rewrite is the same on every copy of the file,
    so it is not stamped: the county and the laptops upgrade alike, and a package from a laptop
    not yet upgraded is read the same way on import (storage.merge)."""
    for column in ("joined_date", "join_reason", "left_date", "left_reason"):
        db["members"].add_column(column, str)
    old = ("新识别", "计划脱贫", "贫困户")
    marks = ",".join("?" * len(old))
    for table in ("households", "status_history"):
        db.execute(f"update {table} set status = '未脱贫' where status in ({marks})", list(old))
    _record_table(
        db,
        "year_closures",
        {
            "village_id": str,
            "year": int,
            "closed": int,
            "closed_at": str,
            "closed_by": str,
            "by_county": int,
            "reopened_at": str,
            "reopened_by": str,
            "reopen_reason": str,
        },
        [("village_id", "villages", "id")],
    )
    db["year_closures"].create_index(["village_id", "year"])
    _record_table(
        db,
        "frozen_years",
        {"household_id": str, "year": int, "closed_at": str, "inputs": str, "verdicts": str},
        [("household_id", "households", "id")],
    )
    db["frozen_years"].create_index(["household_id", "year"])
    db["frozen_years"].create_index(["year"])
    db["sync_conflicts"].create_index(["record_id"])
    # The safety-net path and the base year of county ⑴'s average growth are policy values;
    # every copy fills in the defaults alike (the class-2 amount, 2014).
    db["policy_values"].add_column("safety_net_path", int)
    db["policy_values"].add_column("safety_net_line", float)
    db["policy_values"].add_column("growth_base_year", int)
    db["policy_values"].add_column("teams_may_close", int)  # missing = only the county closes
    db.execute(
        "update policy_values set safety_net_path = 1, safety_net_line = dibao_class2_amount, "
        "growth_base_year = 2014"
    )


def m008_procedures(db: sqlite_utils.Database) -> None:
    """有进有出、动态管理 (forms.procedures): the steps of each household's identification, exit,
    return and removal, one record per step (a procedure's state is read from them, so steps
    from two machines merge without a conflict), and each village's yearly exit task."""
    _record_table(
        db,
        "procedure_steps",
        {
            "household_id": str,
            "procedure_id": str,
            "kind": str,
            "year": int,
            "seq": int,
            "step": str,
            "date": str,
            "days": int,
            "document": str,
            "note": str,
            "reason": str,
            "recorded_by": str,
            "unmet": str,
            "inputs": str,
            "verdicts": str,
        },
        [("household_id", "households", "id")],
    )
    db["procedure_steps"].create_index(["household_id"])
    db["procedure_steps"].create_index(["year", "kind"])
    _record_table(
        db,
        "exit_plans",
        {
            "village_id": str,
            "year": int,
            "households": int,
            "people": int,
            "set_by": str,
            "proposed_households": int,
            "proposed_people": int,
            "proposed_by": str,
            "note": str,
        },
        [("village_id", "villages", "id")],
    )
    db["exit_plans"].create_index(["village_id", "year"])


def m009_hash_chain(db: sqlite_utils.Database) -> None:
    """The tamper-evident history (storage.chain): each change-log row gets the digest of its
    record as the change left it and the hash that chains it to the row before; `context` says
    during what it was made (a visit, a package, an import). Rows older than this migration are
    chained as they stand, and each record's newest row takes its data as stored now. In
    sync_peers, the chain head: at the county the last one a team sent, on a laptop the one the
    county's receipt says it kept."""
    from . import chain

    for column in ("context", "digest", "hash"):
        db["change_log"].add_column(column, str)
    db["sync_peers"].add_column("chain_seq", int)
    db["sync_peers"].add_column("chain_hash", str)
    for table in TABLES.values():
        chain.redigest(db.conn, table)
    chain.rebuild(db.conn)


MIGRATIONS: list[tuple[int, str, Callable[[sqlite_utils.Database], None]]] = [
    (1, "initial", m001_initial),
    (2, "contacts_and_confirmations", m002_contacts_and_confirmations),
    (3, "name_initials", m003_name_initials),
    (4, "sync_teams", m004_sync_teams),
    (5, "sync_state", m005_sync_state),
    (6, "duplicate_decisions", m006_duplicate_decisions),
    (7, "register_over_time", m007_register_over_time),
    (8, "procedures", m008_procedures),
    (9, "hash_chain", m009_hash_chain),
]
LATEST = MIGRATIONS[-1][0]


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, upto: int = LATEST) -> list[str]:
    """Apply the migrations this file lacks, all in one transaction (a crash leaves the file
    as it was or fully upgraded, never at a version in between); returns their names."""
    applied = []
    with db.atomic():
        for number, name, step in MIGRATIONS:
            if number > upto or number <= schema_version(db):
                continue
            step(db)
            db.execute(f"PRAGMA user_version = {int(number)}")
            applied.append(name)
    return applied
