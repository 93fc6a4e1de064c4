"""The same person in two places (疑点): an ID number held by more than one live member.

DOMAIN (sync): the same person (ID number) in households of two villages is never a reason to
refuse data: it is stored, flagged as a 疑点 at the county, and a clerk decides — the same person
(which household keeps the member) or different people (the wrong ID number is corrected). The
decisions are storage.operations.decide_same_person / decide_different_people; this module
reads. Two members of one household with one ID number are a typing error, not a 疑点: the
editor and the import refuse that (forms.validation.validate_household_members)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from forms import choices as C
from forms.idnumber import normalize_id_number

from .db import Store

SAME, DIFFERENT = "same", "different"
HEAD = C.RELATIONS[0]  # 户主
DECISIONS = {SAME: "同一人", DIFFERENT: "不同人"}


@dataclass
class DuplicateMember:
    """One of the members holding the ID number, with the place of their household."""

    member_id: str
    name: str
    household_id: str
    head_name: str | None  # the household head's name (None: the household has no head)
    household_no: str | None
    village_id: str
    village_name: str
    village_code: str
    group_name: str | None


@dataclass
class Duplicate:
    """An ID number and the live members holding it. `decision` is the latest decision recorded
    on the number (a dict of the duplicate_decisions row) or None. `open` is whether the number
    is still held by more than one live member: a decision ends it, and it opens again when the
    person comes back in a second household (registered again, or a delete undone by a sync)."""

    id_number: str
    members: list[DuplicateMember] = field(default_factory=list)
    decision: dict | None = None
    open: bool = True

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Duplicate":
        return cls(
            d["id_number"],
            [DuplicateMember(**m) for m in d.get("members", [])],
            d.get("decision"),
            d.get("open", True),
        )

    def villages(self) -> list[str]:
        """The villages' names, each once, in the order of the members."""
        return list(dict.fromkeys(m.village_name for m in self.members))


# The members of the duplicated ID numbers, with their place, in one query. `candidates` groups
# the index on members.id_number alone (no row read: a county's 265,000 members in a few tens of
# milliseconds) into the numbers stored more than once, tombstones included; `held` keeps those
# held by more than one live member of a live household (and, given villages, held in one of
# them); the outer select reads their members with household, head, village and group.
_SQL = """
with candidates as (
    select id_number from members where id_number > '' {numbers}
    group by id_number having count(*) > 1
), held as (
    select m.id_number
    from candidates c
        join members m on m.id_number = c.id_number
        join households h on h.id = m.household_id
    where m.deleted = 0 and h.deleted = 0
    group by m.id_number
    having count(*) > 1 {villages}
)
select m.id_number, m.id, m.name, h.id, h.household_no,
    (select hm.name from members hm
     where hm.household_id = h.id and hm.deleted = 0 and hm.relation = ?
     order by hm.created_at, hm.id limit 1),
    v.id, v.name, v.code, g.name
from held
    join members m on m.id_number = held.id_number
    join households h on h.id = m.household_id
    join villages v on v.id = h.village_id
    left join groups g on g.id = h.group_id and g.deleted = 0
where m.deleted = 0 and h.deleted = 0
order by m.id_number, v.code, h.household_no, m.name, m.id
"""


def find_duplicates(
    store: Store,
    village_ids: set[str] | None = None,
    *,
    id_numbers: set[str] | None = None,
    include_decided: bool = False,
) -> list[Duplicate]:
    """Every ID number held by more than one live member (members.deleted = 0, of a live
    household), with its members and the latest decision recorded on it.

    village_ids: only the numbers held in one of those villages (all their members listed,
    those of other villages too). id_numbers: only those numbers (an import's). include_decided:
    also the numbers with a recorded decision that are no longer duplicated (open = False), with
    the members still holding them. Ordered by the first member's village code, then number."""
    args: list = []
    numbers = villages = ""
    if id_numbers is not None:
        numbers = "and id_number in (select value from json_each(?))"
        args.append(json.dumps(sorted({normalize_id_number(n) for n in id_numbers})))
    if village_ids is not None:
        villages = "and max(h.village_id in (select value from json_each(?)))"
        args.append(json.dumps(sorted(village_ids)))
    sql = _SQL.format(numbers=numbers, villages=villages)
    groups: dict[str, Duplicate] = {}
    for number, mid, name, hid, no, head, vid, vname, vcode, gname in store.db.execute(
        sql, [*args, HEAD]
    ):
        dup = groups.setdefault(number, Duplicate(number))
        dup.members.append(DuplicateMember(mid, name, hid, head, no, vid, vname, vcode, gname))
    decisions = latest_decisions(store, None if include_decided else set(groups))
    for number, decision in decisions.items():
        if number in groups:
            groups[number].decision = decision
        elif include_decided and (id_numbers is None or number in id_numbers):
            closed = Duplicate(number, _holders(store, number), decision, open=False)
            if village_ids is None or _touches(store, decision, closed, village_ids):
                groups[number] = closed
    return sorted(
        groups.values(),
        key=lambda d: (d.members[0].village_code if d.members else "", d.id_number),
    )


def group_of(store: Store, id_number: str) -> Duplicate | None:
    """The live members holding one ID number, when more than one does; else None."""
    found = find_duplicates(store, id_numbers={id_number})
    return found[0] if found else None


def latest_decisions(store: Store, id_numbers: set[str] | None = None) -> dict[str, dict]:
    """The latest decision recorded on each ID number (of those given, or all)."""
    sql = "select * from duplicate_decisions"
    args: list = []
    if id_numbers is not None:
        if not id_numbers:
            return {}
        sql += " where id_number in (select value from json_each(?))"
        args.append(json.dumps(sorted(id_numbers)))
    cursor = store.db.execute(sql + " order by decided_at, rowid", args)
    columns = [d[0] for d in cursor.description]
    return {row["id_number"]: row for row in (dict(zip(columns, r)) for r in cursor)}


def decisions(store: Store, id_number: str | None = None) -> list[dict]:
    """Every decision recorded (on one ID number), oldest first."""
    where, args = (
        ("where id_number = ?", [normalize_id_number(id_number)]) if id_number else ("", [])
    )
    cursor = store.db.execute(
        f"select * from duplicate_decisions {where} order by decided_at, rowid", args
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r)) for r in cursor]


def _holders(store: Store, id_number: str) -> list[DuplicateMember]:
    """The live members holding a number that is no longer duplicated (one, or none)."""
    rows = store.db.execute(
        "select m.id, m.name, h.id, "
        "(select hm.name from members hm where hm.household_id = h.id and hm.deleted = 0 "
        " and hm.relation = ? order by hm.created_at, hm.id limit 1), "
        "h.household_no, v.id, v.name, v.code, g.name "
        "from members m join households h on h.id = m.household_id "
        "join villages v on v.id = h.village_id "
        "left join groups g on g.id = h.group_id and g.deleted = 0 "
        "where m.id_number = ? and m.deleted = 0 and h.deleted = 0 order by v.code, m.id",
        [HEAD, id_number],
    ).fetchall()
    return [DuplicateMember(*row) for row in rows]


def _touches(store: Store, decision: dict, dup: Duplicate, village_ids: set[str]) -> bool:
    """Whether a closed 疑点 concerns one of the villages: a member still holding the number,
    or the member the decision kept or corrected, lives there."""
    if any(m.village_id in village_ids for m in dup.members):
        return True
    member_ids = [decision.get("keep_member_id"), decision.get("corrected_member_id")]
    for mid in filter(None, member_ids):
        row = store.db.execute(
            "select h.village_id from members m join households h on h.id = m.household_id "
            "where m.id = ?",
            [mid],
        ).fetchone()
        if row and row[0] in village_ids:
            return True
    return False


def describe(dup: Duplicate) -> str:
    """One line for a list of warnings: the number and where it stands."""
    places = "；".join(
        f"{m.village_name}{m.group_name or ''} {m.household_no or '（无户编号）'}号户 {m.name}"
        for m in dup.members
    )
    return f"身份证号 {dup.id_number} 在 {len(dup.members)} 处登记：{places}"
