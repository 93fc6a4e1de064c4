"""Enrolment for the USB sync: the county registers a work team with its villages and a random
key, and hands the team an enrolment file sealed under a one-time passphrase (Argon2id); the
team's laptop imports it once and from then on knows its team, key and villages."""

from __future__ import annotations

import json
import os
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from . import chain, package
from .db import StorageError, Store
from .register import find_village

KIND = "enrolment"
# Argon2id for a passphrase typed once: 64 MiB and 3 passes take ~0.15 s here, far longer for
# anyone guessing. The parameters travel in the file's header, so they can be raised later.
KDF = {"name": "argon2id", "iterations": 3, "lanes": 4, "memory_kib": 64 * 1024}
MIN_PASSPHRASE = 8


class EnrolmentError(StorageError):
    pass


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    county: str
    villages: tuple[str, ...]
    key: bytes

    @property
    def key_id(self) -> str:
        return package.key_id(self.key)


def _derive(passphrase: str, salt: bytes, kdf: dict) -> bytes:
    if kdf.get("name") != "argon2id":
        raise EnrolmentError("注册文件的密钥派生方式不受支持（unknown key derivation）")
    return Argon2id(
        salt=salt,
        length=package.KEY_BYTES,
        iterations=int(kdf["iterations"]),
        lanes=int(kdf["lanes"]),
        memory_cost=int(kdf["memory_kib"]),
    ).derive(unicodedata.normalize("NFKC", passphrase).encode("utf-8"))


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


# -- at the county ----------------------------------------------------------------------------
def register_team(
    store: Store, name: str, village_codes: list[str], passphrase: str, out_folder: Path
) -> tuple[Team, Path]:
    """Register a team (or re-key it: a lost laptop) and write its enrolment file into
    `out_folder`. Packages under the team's previous key are refused from then on."""
    if store.role != "county":
        raise EnrolmentError("只有县级数据库可以登记工作队（only a county register enrols teams）")
    name = unicodedata.normalize("NFKC", name or "").strip()
    if not name:
        raise EnrolmentError("请填写工作队名称（team name required）")
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise EnrolmentError(f"一次性口令至少 {MIN_PASSPHRASE} 个字符（passphrase too short）")
    villages, problems = [], []
    for code in village_codes:
        village = find_village(store, code)
        if village is None:
            problems.append(f"没有行政区划代码为 {code} 的村")
        else:
            villages.append(village)
    if not villages and not problems:
        problems.append("请至少指定一个村（--village）")
    counties = {v["county"] for v in villages}
    if len(counties) > 1:
        problems.append("一个工作队的村应在同一个县区：" + "、".join(sorted(counties)))
    if problems:
        raise EnrolmentError("；".join(problems) + "（team not registered）")
    codes = tuple(sorted(v["code"] for v in villages))
    county = counties.pop()
    existing = store.db.execute(
        "select id, retired_key_ids, key_id from sync_teams where name = ?", [name]
    ).fetchone()
    team = Team(existing[0] if existing else str(uuid.uuid4()), name, county, codes,
                package.new_key())  # fmt: skip
    retired = json.loads(existing[1] or "[]") + [existing[2]] if existing else []
    salt = os.urandom(16)
    header = {"kind": KIND, "county": county, "county_device": store.device_id,
              "salt": salt.hex(), "kdf": KDF, "team": name}  # fmt: skip
    payload = json.dumps({"team_id": team.id, "team": name, "county": county,
                          "county_device": store.device_id, "villages": list(codes),
                          "village_ids": {v["code"]: v["id"] for v in villages},
                          "key": team.key.hex(), "issued_at": _now()},
                         ensure_ascii=False).encode("utf-8")  # fmt: skip
    out = Path(out_folder) / package.package_name(county, name, "注册", when=_now())
    with store.atomic():
        store.db.conn.execute(
            "insert into sync_teams (id, name, county, villages, key, key_id, retired_key_ids, "
            "enrolled_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict(id) do update set "
            "villages = excluded.villages, key = excluded.key, key_id = excluded.key_id, "
            "retired_key_ids = excluded.retired_key_ids, enrolled_at = excluded.enrolled_at",
            [team.id, name, county, json.dumps(list(codes)), team.key.hex(), team.key_id,
             json.dumps(retired), _now()],
        )  # fmt: skip
        # a re-keyed team starts again: its next package carries all of its villages' records
        store.db.conn.execute("delete from sync_peers where peer = ?", [team.id])
        # written inside the transaction: a file that cannot be written leaves no team behind
        package.write_package(out, header, payload, _derive(passphrase, salt, KDF))
    return team, out


def teams(store: Store) -> list[dict]:
    rows = store.db.execute(
        "select id, name, county, villages, key_id, retired_key_ids, enrolled_at "
        "from sync_teams order by name"
    ).fetchall()
    keys = ("id", "name", "county", "villages", "key_id", "retired_key_ids", "enrolled_at")
    out = [dict(zip(keys, r)) for r in rows]
    for t in out:
        t["villages"] = json.loads(t["villages"] or "[]")
        t["retired_key_ids"] = json.loads(t["retired_key_ids"] or "[]")
    return out


# -- on the team's laptop ---------------------------------------------------------------------
def read_enrolment(path: Path, passphrase: str) -> dict:
    """The enrolment's contents; refuses a file that is not one, or a wrong passphrase."""
    data = Path(path).read_bytes() if Path(path).exists() else None
    if data is None:
        raise EnrolmentError(f"找不到注册文件：{path}（file not found）")
    header, _ = package.read_header(data, Path(path).name)
    if header.get("kind") != KIND:
        raise EnrolmentError(f"这不是工作队注册文件：{path}（not an enrolment file）")
    try:
        key = _derive(passphrase, bytes.fromhex(header["salt"]), header["kdf"])
    except (KeyError, ValueError, TypeError):
        raise EnrolmentError(f"注册文件已损坏：{path}（damaged enrolment file）") from None
    if header.get("key_id") != package.key_id(key):
        raise EnrolmentError("口令不对，请向县扶贫办核对一次性口令（wrong passphrase）")
    _, payload = package.open_package(data, key, Path(path).name)
    return json.loads(payload.decode("utf-8"))


def enroll(store: Store, path: Path, passphrase: str) -> Team:
    """Import an enrolment into a team's register, once; records kept before it stay (same
    UUIDs) when their villages are the team's. Nothing changes when it is refused."""
    if store.role != "village":
        raise EnrolmentError("县级数据库不能作为工作队注册（a county register does not enrol）")
    e = read_enrolment(path, passphrase)
    meta = store.meta()
    if meta.get("team_id") and meta["team_id"] != e["team_id"]:
        raise EnrolmentError(
            f"本机已注册为工作队“{meta.get('team_name')}”，这份注册文件属于“{e['team']}”"
            "（registered to another team）"
        )
    mine = {v["code"]: v for v in store.find("villages")}
    others = sorted(c for c in mine if c not in e["villages"])
    foreign = sorted({v["county"] for v in mine.values()} - {e["county"]})
    if foreign:
        raise EnrolmentError(
            f"本机数据库的村属于{'、'.join(foreign)}，这份注册文件来自{e['county']}"
            "（enrolment from another county）"
        )
    if others:
        raise EnrolmentError(
            "本机数据库中有不属于本工作队的村：" + "、".join(others)
            + "（villages not the team's）"
        )  # fmt: skip
    values = {"team_id": e["team_id"], "team_name": e["team"], "team_key": e["key"],
              "team_key_id": package.key_id(bytes.fromhex(e["key"])), "county": e["county"],
              "county_device": e["county_device"], "team_villages": json.dumps(e["villages"]),
              "enrolled_at": _now()}  # fmt: skip
    with store.atomic():
        for key, value in values.items():
            store.set_meta(key, value)
        for code, county_id in (e.get("village_ids") or {}).items():
            if code in mine and mine[code]["id"] != county_id:
                _take_county_id(store, mine[code]["id"], county_id)
        # a new laptop of the team (or a re-keyed one) starts its exchange with the county anew
        store.db.conn.execute("delete from sync_peers where peer = 'county'")
    return team_of(store)


def _take_county_id(store: Store, local_id: str, county_id: str) -> None:
    """A village kept on the laptop before enrolment is the county's village of the same code:
    it takes the county's id, and every record of it follows, so that the two merge into one
    village. Its households, members and the rest keep their own ids."""
    from .merge import BY_VILLAGE

    conn = store.db.conn
    conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at COMMIT, when all have moved
    first = conn.execute("select min(seq) from change_log where table_name = 'villages' and "
                         "record_id = ?", [local_id]).fetchone()[0]  # fmt: skip
    conn.execute("update villages set id = ? where id = ?", [county_id, local_id])
    moved = {}
    for table in BY_VILLAGE:
        moved[table] = [r[0] for r in conn.execute(
            f"select id from [{table}] where village_id = ?", [local_id])]  # fmt: skip
        conn.execute(f"update [{table}] set village_id = ? where village_id = ?",
                     [county_id, local_id])  # fmt: skip
    conn.execute("update change_log set record_id = ? where table_name = 'villages' and "
                 "record_id = ?", [county_id, local_id])  # fmt: skip
    # the app's own rewrite, before the team's first package: the history follows the move
    # (each moved record's digest, and the chain from the village's first row on)
    for table, ids in moved.items():
        chain.redigest(conn, table, ids)
    if first is not None:
        chain.rebuild(conn, after=first - 1)


def team_of(store: Store) -> Team | None:
    """The team this laptop is enrolled in, or None."""
    meta = store.meta()
    if not meta.get("team_id"):
        return None
    return Team(meta["team_id"], meta["team_name"], meta["county"],
                tuple(json.loads(meta["team_villages"])), bytes.fromhex(meta["team_key"]))  # fmt: skip
