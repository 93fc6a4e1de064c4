"""A realistic synthetic county for newcomers, tests and benchmarks; deterministic for a seed."""

from __future__ import annotations

import json
import random
import uuid
from datetime import date, timedelta
from typing import Callable

from forms import choices as C
from forms.fields import BOOL, INT, MONEY, NUMBER, PERCENT
from forms.idnumber import make_id_number

from . import closing
from .db import Store
from .register import natural_id, seed_default_policy
from .snapshots import household_snapshots

COUNTY = "安定区"
COUNTY_CODE = "621102"
TOWNSHIPS = [
    "凤翔镇",
    "内官营镇",
    "香泉镇",
    "称钩驿镇",
    "巉口镇",
    "鲁家沟镇",
    "西巩驿镇",
    "宁远镇",
    "李家堡镇",
    "团结镇",
    "葛家岔镇",
    "石泉乡",
    "杏园乡",
    "白碌乡",
    "高峰乡",
    "石峡湾乡",
    "新集乡",
    "青岚山乡",
    "符家川镇",
]
PLACE = "青石红岭杨柳马莲高岔双泉大坪小沟李家王家张湾新庄南川北山东岘西坡龙泉石门团庄寨子中堡"
SURNAMES = "王李张刘陈杨赵黄周吴马牛魏汪何郭罗董谢苏包令狐"
GIVEN = "建国海军红梅小红志强丽娟玉兰永福有才金花文斌春燕宝山桂英国庆秀兰明亮晓东佳怡子涵浩然雨轩"
UNITS = [
    "定西市财政局",
    "定西市教育局",
    "安定区卫计局",
    "安定区农牧局",
    "甘肃银行定西分行",
    "定西市住建局",
    "安定区水务局",
    "定西市人社局",
]
PURPOSES = [
    "了解家庭收入变化",
    "核实住房安全情况",
    "落实产业扶持措施",
    "宣讲扶贫政策",
    "核对家庭成员信息",
    "跟进务工就业情况",
    "慰问走访",
]
NOTES = [
    "户主在家，家中羊圈已扩建",
    "子女外出务工，收入稳定",
    "老人身体不好，需跟进医疗救助",
    "希望发展养殖业，需要贷款",
    "房屋墙体有裂缝，需鉴定",
    "已申请低保，待审核",
]

CRITERION_CATEGORY = {
    1: "产业发展",
    2: "危房改造",
    3: "饮水安全",
    4: "教育资助",
    5: "技能培训",
    6: "转移就业",
    7: "医疗救助",
    8: "社会保障",
    9: "基础设施",
    10: "基础设施",
    11: "金融扶贫",
    12: "产业发展",
}
MEASURE_TEXT = {
    1: "发放基础母羊5只，发展养殖增收",
    2: "实施危房改造，新建砖混住房",
    3: "接通自来水入户",
    4: "落实雨露计划教育资助，动员返校",
    5: "参加劳动技能培训（挖掘机/电焊）",
    6: "推荐到县工业园区务工",
    7: "代缴新农合个人缴费",
    8: "代缴新农保个人缴费",
    9: "改建卫生厕所",
    10: "安装有线电视并接通宽带",
    11: "发放精准扶贫专项贷款偿还借贷",
    12: "落实产业奖补，提高生活水平",
}


class _IdNumbers:
    """Valid ID numbers, each given once: a random sequence code (顺序码) is moved on by 2 (same
    sex) until it is free, so that no two demo people share an ID number and the random stream,
    and so the rest of the demo, stays as the seed makes it."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def __call__(self, birth: date, seq: int, sex: str) -> str:
        for step in range(500):
            number = make_id_number(COUNTY_CODE, birth, (seq + 2 * step) % 1000, sex)
            if number not in self.taken:
                self.taken.add(number)
                return number
        raise ValueError(f"演示数据：{birth} 出生的人太多，身份证顺序码已用完")


class _Ids:
    """Deterministic UUIDs from the seed, so the same seed gives the same file; and the ID
    numbers given so far."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.id_numbers = _IdNumbers()

    def __call__(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def _name(rng: random.Random, surname: str | None = None) -> str:
    surname = surname or rng.choice(
        [
            "王",
            "李",
            "张",
            "刘",
            "陈",
            "杨",
            "赵",
            "马",
            "牛",
            "魏",
            "汪",
            "何",
            "郭",
            "罗",
            "董",
            "令狐",
        ]
    )
    pairs = [GIVEN[i : i + 2] for i in range(0, len(GIVEN) - 1, 2)]
    return surname + (rng.choice(pairs) if rng.random() < 0.8 else rng.choice(GIVEN))


def generate(
    store: Store,
    *,
    villages: int = 3,
    households: int = 50,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    closed_years: tuple[int, ...] = (2015, 2016),
) -> dict:
    """Fill an empty register with a synthetic county; returns counts. The years in
    `closed_years` are closed at the end (年度数据封存), as the county does after 动态调整."""
    rng = random.Random(seed)
    new_id = _Ids(rng)
    seed_default_policy(store)
    counts = {"villages": 0, "households": 0, "members": 0}
    per_township = max(1, min(12, villages // len(TOWNSHIPS) + 4))
    for vi in range(villages):
        t = vi // per_township
        township = TOWNSHIPS[t % len(TOWNSHIPS)]
        code = f"{COUNTY_CODE}{100 + t:03d}{200 + vi % per_township:03d}"
        name = rng.choice(PLACE[::2]) + rng.choice(PLACE[1::2]) + "村"
        with store.atomic():
            _village(store, rng, new_id, code, name, township, households, counts)
        counts["villages"] += 1
        if progress:
            progress(vi + 1, villages)
    with store.atomic():
        from .register import set_county_facts

        for year in (2015, 2016, 2017):
            set_county_facts(
                store, COUNTY, year, _facts(rng, "county_facts", year, villages * households * 4)
            )
    village_ids = [v["id"] for v in store.find("villages", order_by="code")]
    for year in closed_years:
        closing.close_year(
            store,
            year,
            village_ids,
            lambda vid, year=year: household_snapshots(
                store, year, village_id=vid, with_measures=False, frozen=False
            ),
        )
    counts["closed_years"] = list(closed_years)
    return counts


def _facts(rng: random.Random, which: str, year: int, people: int) -> dict:
    """Plausible yearly facts for every declared fact field, read from forms/facts.py."""
    from forms.facts import COUNTY_FACTS, VILLAGE_FACTS

    form = VILLAGE_FACTS if which == "village_facts" else COUNTY_FACTS
    out = {}
    for f in form.fields:
        if f.key == "year":
            continue
        if f.key == "rural_population":
            out[f.key] = int(people * rng.uniform(3.0, 6.0))  # the register holds the poor only
        elif f.key == "rural_households":
            out[f.key] = int(people * rng.uniform(3.0, 6.0) / 3.8)
        elif f.kind == BOOL:
            out[f.key] = rng.random() < 0.85 + 0.05 * (year - 2015)
        elif f.kind == PERCENT:
            out[f.key] = round(min(100.0, rng.uniform(70, 100) + 3 * (year - 2015)), 1)
        elif f.kind == INT:
            lo = int(f.min or 0)
            hi = int(f.max) if f.max is not None else lo + 3
            out[f.key] = rng.randint(lo, max(lo, min(hi, lo + 3)))
        elif f.kind in (NUMBER, MONEY):
            lo = f.min if f.min is not None else 0
            hi = f.max if f.max is not None else 100
            out[f.key] = round(rng.uniform(max(lo, 0), min(hi, max(lo, 0) + 20)), 1)
    if "two_after_trained" in out and "two_after_willing" in out:
        # the 两后生 trained are among those willing (疑点 Q28 otherwise)
        out["two_after_trained"] = min(out["two_after_trained"], out["two_after_willing"])
    return out


def _village(store, rng, new_id, code, name, township, n_households, counts):
    vid = new_id()
    store.insert(
        "villages",
        {
            "code": code,
            "name": name,
            "township": township,
            "county": COUNTY,
            "is_poor_village": True,
            "planned_exit_year": rng.choice([2016, 2017, 2018]),
            "pairing_unit": rng.choice(UNITS),
            "leader_in_charge": _name(rng) + "（副区长）",
        },
        record_id=vid,
    )
    group_ids = [new_id() for _ in range(rng.randint(3, 8))]
    store.insert_many(
        "groups",
        [{"village_id": vid, "name": f"{'一二三四五六七八'[i]}社"} for i in range(len(group_ids))],
        ids=group_ids,
    )
    unit = rng.choice(UNITS)
    team = [("队长", unit), ("第一书记", unit), ("队员", unit), ("队员", rng.choice(UNITS))]
    team += [("帮扶责任人", rng.choice(UNITS)) for _ in range(max(2, n_households // 25))]
    cadre_ids = [new_id() for _ in team]
    store.insert_many(
        "cadres",
        [
            {
                "name": _name(rng),
                "unit": u,
                "role": role,
                "village_id": vid,
                "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            }
            for role, u in team
        ],
        ids=cadre_ids,
    )
    for year in (2015, 2016, 2017):
        from .register import set_village_facts

        set_village_facts(store, vid, year, _facts(rng, "village_facts", year, n_households * 4))

    rows: dict[str, list] = {
        t: [] for t in ("households", "members", "finances", "visits", "measures", "status_history")
    }
    ids: dict[str, list] = {t: [] for t in rows}

    def add(table, values):
        rid = new_id()
        rows[table].append(values)
        ids[table].append(rid)
        return rid

    for hi in range(n_households):
        _household(rng, add, vid, hi, group_ids, cadre_ids, code, new_id.id_numbers)
    for _ in range(rng.randint(2, 5)):  # village-level measures (道路、饮水、产业)
        add(
            "measures",
            {
                "village_id": vid,
                "level": "村",
                "category": rng.choice(["基础设施", "产业发展", "饮水安全"]),
                "description": rng.choice(
                    [
                        "硬化通社道路3公里",
                        "建设村级光伏电站",
                        "新建标准化村卫生室",
                        "成立马铃薯种植合作社",
                        "安装太阳能路灯50盏",
                    ]
                ),
                "money": float(rng.randrange(50_000, 1_500_000, 1000)),
                "fund_source": rng.choice(C.FUND_SOURCES[:4]),
                "cadre_id": cadre_ids[0],
                **_progress(rng, date(2017, rng.randint(3, 11), rng.randint(1, 28))),
            },
        )
    prng = random.Random(f"{code}-procedures")
    steps, plans, under_way = _procedures(prng, rows, ids, vid)
    for table in ("households", "members", "finances", "status_history", "visits", "measures"):
        store.insert_many(table, rows[table], ids=ids[table])
    store.insert_many("procedure_steps", steps, ids=[s.pop("id") for s in steps])
    store.insert_many(
        "exit_plans", plans, ids=[natural_id("exit_plans", vid, p["year"]) for p in plans]
    )
    _exits_under_way(store, prng, under_way)
    counts["households"] += len(rows["households"])
    counts["members"] += len(rows["members"])


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


# The procedures behind the demo's statuses (forms.procedures): each exit, return and removal
# of the status history went through its steps, ending on the entry's date; of the households
# still poor and planned to exit in 2017, most are somewhere in their exit procedure.
_EXIT_DAYS = (-41, -36, -33, -29, -10, 0)  # 12项核查 … 销号, days before the exit's date
_RETURN_DAYS = (-31, -23, -19, -8, 0)
_REMOVE_DAYS = (-40, -30, -26, -12, 0)


def _procedures(rng: random.Random, rows, ids, vid) -> tuple[list[dict], list[dict]]:
    from forms import procedures as P
    from forms.history import present_in_year, year_end_status

    steps: list[dict] = []
    members: dict[str, list[dict]] = {}
    for m in rows["members"]:
        members.setdefault(m["household_id"], []).append(m)
    history: dict[str, list[dict]] = {}
    for e in rows["status_history"]:
        history.setdefault(e["household_id"], []).append(e)

    def run(hid, kind, year, end: date, offsets, upto=None, reason=None):
        pid = _uuid(rng)
        for seq, (step, off) in enumerate(zip(kind.steps, offsets), start=1):
            if upto is not None and seq > upto:
                break
            steps.append(
                {
                    "id": _uuid(rng),
                    "household_id": hid,
                    "procedure_id": pid,
                    "kind": kind.name,
                    "year": year,
                    "seq": seq,
                    "step": step.name,
                    "date": (end + timedelta(days=off)).isoformat(),
                    "days": P.NOTICE_DAYS if step.notice else None,
                    "document": f"{step.document}（{year}）" if step.document else None,
                    "reason": reason if seq == 1 else None,
                    "recorded_by": "演示数据",
                }
            )

    planned: dict[int, list[str]] = {}
    under_way: dict[str, int] = {}  # household → steps of its 2017 exit done (exits_under_way)
    for hid, h in zip(ids["households"], rows["households"]):
        entries = {e["status"]: e for e in history.get(hid, [])}
        exited = entries.get(C.STATUS_EXITED)
        if exited:
            run(hid, P.EXIT, exited["year"], date.fromisoformat(exited["date"]), _EXIT_DAYS)
        if C.STATUS_RETURNED in entries:
            e = entries[C.STATUS_RETURNED]
            run(hid, P.RETURN, e["year"], date.fromisoformat(e["date"]), _RETURN_DAYS)
        if C.STATUS_REMOVED in entries:
            e = entries[C.STATUS_REMOVED]
            run(hid, P.REMOVE, e["year"], date.fromisoformat(e["date"]), _REMOVE_DAYS,
                reason=e["reason"])  # fmt: skip
        y = h.get("planned_exit_year")
        if (
            y and year_end_status(h, history.get(hid, []), y - 1).poor
        ):  # the task: poor at its start
            planned.setdefault(y, []).append(
                sum(present_in_year(m, y) for m in members.get(hid, []))
            )
        if h["status"] in C.POOR_STATUSES and h.get("planned_exit_year") == 2017:
            stage = rng.choice([0, 1, 2, 3, 3, 3])
            if stage:
                under_way[hid] = stage
    plans = [
        {
            "village_id": vid,
            "year": year,
            "households": len(sizes),
            "people": sum(sizes),
            "set_by": "县扶贫办",
        }
        for year, sizes in sorted(planned.items())
    ]
    return steps, plans, under_way


def _exits_under_way(store, rng: random.Random, under_way: dict[str, int]) -> None:
    """The 2017 exits under way, short of the notice (the team posts the 公示): only households
    that meet all 12 criteria of 2017 have started, each 12项核查 frozen with the verdicts it
    read, as storage.procedures records it."""
    from forms import procedures as P
    from forms.criteria.household import evaluate_household
    from forms.criteria.result import MET, NA

    if not under_way:
        return
    rows, ids = [], []
    snaps = household_snapshots(
        store, 2017, household_ids=list(under_way), with_measures=False, frozen=False
    )
    for snap in snaps:
        verdicts = [c.status for c in evaluate_household(snap).criteria]
        if any(v not in (MET, NA) for v in verdicts):
            continue  # not ready: its measures first
        hid, pid = snap["household"]["id"], _uuid(rng)
        end = date(2017, 12, 10)
        for seq, (step, off) in enumerate(zip(P.EXIT.steps, _EXIT_DAYS), start=1):
            if seq > under_way[hid]:
                break
            checked = {}
            if step.checks:
                checked = {
                    "unmet": "[]",
                    "inputs": closing.encode(closing.frozen_inputs(snap)),
                    "verdicts": json.dumps(verdicts),
                }
            ids.append(_uuid(rng))
            rows.append(
                {
                    "household_id": hid,
                    "procedure_id": pid,
                    "kind": P.EXIT.name,
                    "year": 2017,
                    "seq": seq,
                    "step": step.name,
                    "date": (end + timedelta(days=off)).isoformat(),
                    "document": f"{step.document}（2017）" if step.document else None,
                    "recorded_by": "演示数据",
                    **checked,
                }
            )
    store.insert_many("procedure_steps", rows, ids=ids)


def _household(rng, add, vid, hi, group_ids, cadre_ids, code, id_numbers):
    size = min(8, max(1, int(rng.gauss(4, 1.6))))
    surname = rng.choice(["王", "李", "张", "刘", "陈", "杨", "赵", "马", "牛", "魏", "汪", "何"])
    roll = rng.random()
    status = (
        C.STATUS_EXITED
        if roll < 0.3
        else C.STATUS_POOR
        if roll < 0.88
        else C.STATUS_RETURNED
        if roll < 0.97
        else C.STATUS_REMOVED
    )
    # Identified in 2014 or 2015 mostly; a quarter of the poor newly identified in 2016 or 2017.
    late = status == C.STATUS_POOR and rng.random() < 0.25
    ident = rng.choice([2016, 2017]) if late else rng.choice([2014, 2014, 2015])
    # 返贫: out in 2015, back in 2017 (counted as not poor in 2016: the status history says so).
    ident = 2014 if status == C.STATUS_RETURNED else ident
    exit_year = max(ident, rng.choice([2015, 2016])) if status == C.STATUS_EXITED else None
    # Still poor in 2017 (the demo's last year): planned to exit in 2017 or later.
    planned = exit_year or (rng.choice([2017, 2017, 2018]) if status != C.STATUS_REMOVED else None)
    attribute = rng.choices(C.POVERTY_ATTRIBUTES, [70, 25, 5])[0]
    dibao = {
        "一般贫困户": "无",
        "低保贫困户": rng.choice(["一类", "二类"]),
        "特困供养(五保)贫困户": "无",
    }[attribute]
    cadre = rng.choice(cadre_ids[4:] or cadre_ids)
    good = status == C.STATUS_EXITED or rng.random() < 0.55  # fails fewer criteria

    def fail(p: float) -> bool:
        return rng.random() < (p / 4 if good else p)

    people, working = _members(rng, size, surname, fail, id_numbers)
    people += _comings_and_goings(rng, people, surname, id_numbers)
    cause = _cause(rng, people)
    water_safe = not fail(0.08)  # tap water counts as safe water; a well may or may not be
    hid = add(
        "households",
        {
            "village_id": vid,
            "group_id": rng.choice(group_ids),
            "household_no": f"{hi + 1:04d}",
            "status": status,
            "identification_year": ident,
            "planned_exit_year": planned,
            "exit_year": exit_year,
            "poverty_attribute": attribute,
            "dibao_class": dibao,
            "main_cause": cause,
            "other_causes": [
                c
                for c in rng.sample(
                    ("缺技术", "缺资金", "缺劳力", "缺土地", "缺水", "因灾"), rng.randint(0, 2)
                )
                if c != cause
            ],
            "cadre_id": cadre,
            "household_size": _present(people) + (rng.random() < 0.02),
            "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            "address": f"{code[-3:]}号附近",
            "housing_safe": not fail(0.15),
            "housing_area_m2": float(round(size * rng.uniform(22, 45)))
            if rng.random() > 0.03
            else None,
            "water_safe": water_safe,
            "tap_water": water_safe and not fail(0.25),
            "toilet": "无" if fail(0.12) else rng.choice(["简易卫生厕所", "卫生厕所"]),
            "has_phone": not fail(0.03),
            "has_cable_tv": not fail(0.1),
            "has_internet": not fail(0.2),
            "income_channels": []
            if fail(0.08)
            else rng.sample(C.INCOME_CHANNELS[:6], rng.randint(1, 3)),
            "borrow_illness": fail(0.08),
            "borrow_school": fail(0.04),
            "borrow_marriage": fail(0.03),
            "farmland_mu": float(rng.randint(3, 25)),
            "irrigated_mu": float(rng.randint(0, 3)),
            "road_distance_km": round(rng.uniform(0.1, 6), 1),
            "road_type": rng.choice(C.ROAD_TYPES),
            "fuel_type": rng.choice(C.FUEL_TYPES[:3]),
            "in_cooperative": rng.random() < 0.4,
            "has_bank_account": rng.random() < 0.95,
        },
    )
    for person in people:
        add("members", {"household_id": hid, **person})
    base = rng.uniform(2300, 4200) if good else rng.uniform(1700, 3300)
    # 2014 is county ⑴'s base year (年均增幅 since 2014)
    for k, year in enumerate((2014, 2015, 2016, 2017), start=-1):
        per_capita = base * (1.1**k)
        total = per_capita * size
        wage = round(total * (0.45 if working else 0.0) * rng.uniform(0.7, 1.2), -1)
        operating = round(total * rng.uniform(0.25, 0.45), -1)
        cost = round(operating * rng.uniform(0.2, 0.5), -1)
        transfer = round(max(0.0, total - wage - operating + cost) * rng.uniform(0.8, 1.1), -1)
        add(
            "finances",
            {
                "household_id": hid,
                "year": year,
                "wage_income": wage,
                "operating_income": operating,
                "operating_cost": cost,
                "property_income": float(rng.choice([0, 0, 0, 300, 600])),
                "transfer_income": transfer,
                "consumption_expenditure": round(total * rng.uniform(0.75, 1.05), -1),
            },
        )
    add(
        "status_history",
        {
            "household_id": hid,
            "status": C.STATUS_POOR,
            "date": f"{ident}-0{rng.randint(3, 9)}-15",
            "year": ident,
            "reason": "精准识别纳入建档立卡",
        },
    )
    if status in (C.STATUS_EXITED, C.STATUS_RETURNED):
        y = exit_year or 2015
        add(
            "status_history",
            {
                "household_id": hid,
                "status": C.STATUS_EXITED,
                "date": f"{y}-11-30",
                "year": y,
                "reason": "达到脱贫标准，经公示无异议",
            },
        )
    if status == C.STATUS_RETURNED:
        add(
            "status_history",
            {
                "household_id": hid,
                "status": C.STATUS_RETURNED,
                "date": "2017-04-20",
                "year": 2017,
                "reason": "因病返贫",
            },
        )
    if status == C.STATUS_REMOVED:
        add(
            "status_history",
            {
                "household_id": hid,
                "status": C.STATUS_REMOVED,
                "date": "2016-06-10",
                "year": 2016,
                "reason": "家庭有财政供养人员，不符合识别标准",
            },
        )
    start = date(2015, 3, 1)
    for _ in range(rng.randint(0, 3)):
        when = start + timedelta(days=rng.randint(0, 1000))
        add(
            "visits",
            {
                "household_id": hid,
                "cadre_id": cadre,
                "date": when.isoformat(),
                "purpose": rng.choice(PURPOSES),
                "findings": rng.choice(NOTES),
                "changes": "[]",
            },
        )
    for no in rng.sample(range(1, 13), rng.randint(0, 3)):
        planned_date = date(2017, rng.randint(1, 12), rng.randint(1, 28))
        add(
            "measures",
            {
                "village_id": vid,
                "household_id": hid,
                "level": "户",
                "category": CRITERION_CATEGORY[no],
                "cause": cause,
                "criterion_no": no,
                "description": MEASURE_TEXT[no],
                "money": float(rng.randrange(500, 40000, 100)),
                "fund_source": rng.choice(C.FUND_SOURCES[:5]),
                "cadre_id": cadre,
                **_progress(rng, planned_date),
            },
        )


def _present(people: list[dict]) -> int:
    return sum(1 for p in people if not p.get("left_date"))


def _comings_and_goings(rng, people, surname, id_numbers) -> list[dict]:
    """Members over time: a child born in 2017, a parent who died in 2016, a daughter married out
    in 2016, a daughter-in-law married in; the former members stay in the list with their date
    and reason (docs/domain.md)."""
    out = []
    if rng.random() < 0.08:
        born = date(2017, rng.randint(1, 9), rng.randint(1, 28))
        sex = rng.choice("男女")
        out.append(
            _person(
                rng,
                "孙子女" if any(p["relation"] in ("子", "女") for p in people) else "子",
                born,
                sex,
                surname,
                id_numbers,
                joined_date=born.isoformat(),
                join_reason="出生",
            )
        )
    if rng.random() < 0.05:
        born = date(rng.randint(1928, 1942), rng.randint(1, 12), rng.randint(1, 28))
        died = date(2016, rng.randint(1, 12), rng.randint(1, 28))
        out.append(
            _person(
                rng,
                "父母",
                born,
                rng.choice("男女"),
                None,
                id_numbers,
                left_date=died.isoformat(),
                left_reason="死亡",
            )
        )
    if rng.random() < 0.04:
        born = date(rng.randint(1990, 1997), rng.randint(1, 12), rng.randint(1, 28))
        out.append(
            _person(
                rng,
                "女",
                born,
                "女",
                surname,
                id_numbers,
                left_date=date(2016, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
                left_reason="嫁出",
            )
        )
    if rng.random() < 0.03 and any(p["relation"] == "子" for p in people):
        born = date(rng.randint(1988, 1996), rng.randint(1, 12), rng.randint(1, 28))
        joined = date(rng.choice([2015, 2016]), rng.randint(1, 12), rng.randint(1, 28))
        out.append(
            _person(
                rng,
                "其他",
                born,
                "女",
                None,
                id_numbers,
                joined_date=joined.isoformat(),
                join_reason="娶入/嫁入",
            )
        )
    return out


def _person(rng, relation, birth: date, sex, surname, id_numbers, **dates) -> dict:
    age = 2017 - birth.year
    return {
        "name": _name(rng, surname),
        "relation": relation,
        "id_number": id_numbers(birth, rng.randint(1, 999), sex),
        "sex": sex,
        "birth_date": birth.isoformat(),
        "ethnicity": "汉族",
        "education": "文盲或半文盲" if age < 6 or age > 70 else rng.choice(C.EDUCATION[2:4]),
        "school_status": "学龄前" if age < 6 else "非在校",
        "health": "健康" if age < 70 else rng.choice(["长期慢性病", "患有大病"]),
        "labor_ability": "无劳动力" if age < 16 else "丧失劳动力" if age > 70 else "普通劳动力",
        "skills_trained": 16 <= age <= 70 and rng.random() < 0.8,
        "migrant_work": "无",
        "migrant_months": 0,
        "ncms": True,
        "pension_insured": age >= 16,
        **dates,
    }


def _progress(rng, planned_date: date) -> dict:
    """Planned date, status and (when done) the done date of a measure."""
    done = rng.random() < 0.4
    return {
        "planned_date": planned_date.isoformat(),
        "status": "已完成" if done else rng.choice(["计划", "实施中"]),
        "done_date": (planned_date - timedelta(days=rng.randint(0, 40))).isoformat()
        if done
        else None,
    }


def _cause(rng, people: list[dict]) -> str:
    """A main cause that fits the family (因病 where someone is ill, 因学 where a child is in
    school), with a few misfits left in for the data-quality checks to find."""
    ill = any(p["health"] in ("长期慢性病", "患有大病") for p in people)
    disabled = any(p["health"] == "残疾" for p in people)
    studying = any(p["school_status"] in ("高中", "中职", "初中") for p in people)
    if rng.random() < 0.03:
        return rng.choice(["因病", "因学"])
    options = [
        ("缺技术", 18),
        ("缺资金", 15),
        ("缺劳力", 8),
        ("缺土地", 6),
        ("缺水", 5),
        ("因灾", 4),
        ("交通条件落后", 3),
        ("自身发展动力不足", 3),
        ("其他", 2),
    ]
    if ill:
        options.append(("因病", 60))
    if disabled:
        options.append(("因残", 40))
    if studying:
        options.append(("因学", 30))
    causes, weights = zip(*options)
    return rng.choices(causes, weights)[0]


def _members(rng, size, surname, fail, id_numbers) -> tuple[list[dict], bool]:
    """Members with valid ID numbers, and whether anyone of working age works."""
    rows = []
    head_age = rng.randint(28, 72)
    people = [("户主", head_age, "男" if rng.random() < 0.85 else "女")]
    if size > 1:
        people.append(
            ("配偶", head_age + rng.randint(-4, 3), "女" if people[0][2] == "男" else "男")
        )
    while len(people) < size:
        if head_age > 55 and rng.random() < 0.3:
            people.append(("孙子女", rng.randint(1, 16), rng.choice("男女")))
        elif head_age < 45 and rng.random() < 0.2:
            people.append(("父母", head_age + rng.randint(22, 30), rng.choice("男女")))
        else:
            sex = rng.choice("男女")
            people.append(
                ("子" if sex == "男" else "女", max(0, head_age - rng.randint(20, 32)), sex)
            )
    working = False
    for relation, age, sex in people:
        age = min(age, 98)
        birth = date(2017 - age, rng.randint(1, 12), rng.randint(1, 28))
        labour = (
            "无劳动力"
            if age < 16
            else "丧失劳动力"
            if age > 70
            else "弱劳动力或半劳动力"
            if age > 60
            else rng.choices(C.LABOR_ABILITIES[:3], [70, 15, 15])[0]
        )
        school = (
            "学龄前"
            if age < 6
            else ("辍学" if fail(0.05) else "小学" if age < 12 else "初中")
            if age <= 15
            else rng.choice(["高中", "中职", "非在校", "非在校"])
            if age <= 18
            else "非在校"
        )
        migrant = "无"
        if 16 <= age <= 55 and labour in C.LABOR_ABILITIES[:2] and rng.random() < 0.5:
            migrant = rng.choice(["县内", "省内", "省外"])
            working = True
        rows.append(
            {
                "name": _name(rng, surname if relation in ("户主", "子", "女", "孙子女") else None),
                "relation": relation,
                "id_number": id_numbers(birth, rng.randint(1, 999), sex),
                "sex": sex,
                "birth_date": birth.isoformat(),
                "ethnicity": rng.choices(["汉族", "回族"], [95, 5])[0],
                "education": rng.choice(C.EDUCATION[:4]),
                "school_status": school,
                "health": rng.choices(C.HEALTH, [75, 13, 6, 6])[0],
                "labor_ability": labour,
                "skills_trained": (not fail(0.2)) if labour in C.LABOR_ABILITIES[:2] else False,
                "migrant_work": migrant,
                "migrant_months": rng.randint(3, 10) if migrant != "无" else 0,
                "ncms": not fail(0.03),
                "pension_insured": (not fail(0.08)) if age >= 16 else False,
            }
        )
    return rows, working
