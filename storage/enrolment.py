"""Enrolment for the USB sync: the county registers a work team with its villages and a random
key, and hands the team an enrolment file sealed under a one-time passphrase (Argon2id); the
team's laptop imports it once and from then on knows its team, key and villages."""

from __future__ import annotations

import json
import os
import re
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
# What a header's key derivation may ask for: Argon2's own minimums up to about four times what
# KDF costs (256 MiB, 12 passes, 16 lanes: seconds, not hours). The header is read before
# anything is authenticated, so anything else is refused before deriving.
KDF_LIMITS = {"iterations": (1, 12), "lanes": (1, 16), "memory_kib": (8, 256 * 1024)}
SALT_BYTES = (8, 64)  # register_team writes 16
MAX_FILE = 4 << 20  # an enrolment file is a few KB: anything much larger is not one
MAX_TEXT = 200  # characters of a team's, a county's or a device's name in the file
MAX_VILLAGES = 1000
_CODE = re.compile(r"[0-9]{12}")  # a village's division code, as forms.validation keeps it
_BAD_CHAR = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")  # controls, lone surrogates


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


def _kdf_fits(kdf: dict) -> bool:
    """Each parameter an integer within KDF_LIMITS, and Argon2's 8 KiB of memory a lane."""
    for name, (low, high) in KDF_LIMITS.items():
        value = kdf.get(name)
        if type(value) is not int or not low <= value <= high:
            return False
    return kdf["memory_kib"] >= 8 * kdf["lanes"]


def _derive(passphrase: str, salt: bytes, kdf: dict) -> bytes:
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise EnrolmentError("注册文件的密钥派生方式不受支持（unknown key derivation）")
    if not _kdf_fits(kdf):
        raise EnrolmentError(
            "注册文件的密钥派生参数不对，或超出本软件接受的范围（key derivation parameters out of "
            "range）"
        )
    # surrogatepass: a lone surrogate (no keyboard types one) derives a key, as any text does,
    # where "utf-8" alone would raise; every other passphrase derives the same key as before
    return Argon2id(
        salt=salt,
        length=package.KEY_BYTES,
        iterations=kdf["iterations"],
        lanes=kdf["lanes"],
        memory_cost=kdf["memory_kib"],
    ).derive(unicodedata.normalize("NFKC", passphrase).encode("utf-8", "surrogatepass"))


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
    why = _text_problem(name, "工作队名称")  # what the team's laptop will accept
    if why:
        raise EnrolmentError(f"{why}（team not registered）")
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
def _damaged(path) -> EnrolmentError:
    return EnrolmentError(f"注册文件已损坏：{path}（damaged enrolment file）")


def _not_enrolment(path) -> EnrolmentError:
    return EnrolmentError(f"这不是工作队注册文件：{path}（not an enrolment file）")


def _read_file(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE + 1)
    except FileNotFoundError:
        raise EnrolmentError(f"找不到注册文件：{path}（file not found）") from None
    except OSError:  # a folder, no permission, the stick pulled out
        raise EnrolmentError(
            f"无法读取注册文件（选中的是文件夹、没有读取权限，或U盘已拔出？）：{path}"
            "（cannot read the enrolment file）"
        ) from None
    if len(data) > MAX_FILE:
        raise _not_enrolment(path)
    return data


def _hex(value, low: int, high: int) -> bytes | None:
    """The bytes of a hex text of `low` to `high` bytes, or None."""
    if isinstance(value, str) and low * 2 <= len(value) <= high * 2 and len(value) % 2 == 0:
        if re.fullmatch(r"[0-9a-fA-F]*", value):
            return bytes.fromhex(value)
    return None


def _text_problem(value, label: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"{label}应为文字，不能为空"
    if len(value) > MAX_TEXT:
        return f"{label}超过{MAX_TEXT}个字"
    if _BAD_CHAR.search(value):
        return f"{label}含有控制字符或无法保存的字符"
    return None


def _payload_problem(e) -> str | None:
    """What is wrong with an enrolment's contents (the first thing), in Chinese, or None: each
    field enroll() reads, of the type and the content register_team writes."""
    if not isinstance(e, dict):
        return "应为一个对象"
    for key, label in (("team_id", "工作队编号"), ("team", "工作队名称"), ("county", "县区"),
                       ("county_device", "县级设备编号")):  # fmt: skip
        why = _text_problem(e.get(key), label)
        if why:
            return why
    if _hex(e.get("key"), package.KEY_BYTES, package.KEY_BYTES) is None:
        return f"密钥应为{package.KEY_BYTES * 2}位十六进制数"
    villages = e.get("villages")
    if not isinstance(villages, list) or not 0 < len(villages) <= MAX_VILLAGES:
        return f"村的列表应有1至{MAX_VILLAGES}个行政区划代码"
    if not all(isinstance(c, str) and _CODE.fullmatch(c) for c in villages):
        return "村的行政区划代码应为12位数字"
    if len(set(villages)) != len(villages):
        return "村的行政区划代码有重复"
    ids = e.get("village_ids")
    if ids is not None:  # register_team writes it always; an older file may not have it
        if not isinstance(ids, dict) or not set(ids) <= set(villages):
            return "村的编号应按本队各村的行政区划代码列出"
        for county_id in ids.values():
            why = _text_problem(county_id, "村的编号")
            if why:
                return why
        if len(set(ids.values())) != len(ids):
            return "村的编号有重复"
    return None


def read_enrolment(path: Path, passphrase: str) -> dict:
    """The enrolment's contents; refuses a file that is not one, a wrong passphrase, a key
    derivation beyond KDF_LIMITS (before deriving) and contents not of the shape register_team
    writes."""
    data = _read_file(Path(path))
    header, _ = package.read_header(data, Path(path).name)
    if header.get("kind") != KIND:
        raise _not_enrolment(path)
    salt = _hex(header.get("salt"), *SALT_BYTES)
    if salt is None:
        raise _damaged(path)
    try:
        key = _derive(passphrase, salt, header.get("kdf"))
    except (ValueError, TypeError):
        raise _damaged(path) from None
    if header.get("key_id") != package.key_id(key):
        raise EnrolmentError("口令不对，请向县扶贫办核对一次性口令（wrong passphrase）")
    _, payload = package.open_package(data, key, Path(path).name)
    try:
        e = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[… deep
        raise _damaged(path) from None
    why = _payload_problem(e)
    if why:
        raise EnrolmentError(f"注册文件内容不合格式（{why}）：{path}（enrolment file malformed）")
    return e


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
    ids = e.get("village_ids") or {}
    taken = {r[0] for r in store.db.execute("select id from villages")}
    if any(c in mine and mine[c]["id"] != i and i in taken for c, i in ids.items()):
        raise EnrolmentError(
            "注册文件中村的编号与本机数据库中另一个村的编号相同（village id already in use）"
        )
    with store.atomic():
        for key, value in values.items():
            store.set_meta(key, value)
        for code, county_id in ids.items():
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
