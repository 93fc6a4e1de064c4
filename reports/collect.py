"""Fill a VillageReportData for one village and year from the register and the criteria.

Everything is bulk-loaded: the village snapshot the criteria read (households, members,
finances: storage.snapshots), then the village's measures, visits, status history, cadres and
groups in one query each. Nothing here queries per household, so a 500-household village collects in a
fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from forms import choices as C
from forms.age import age_on_31_august
from forms.criteria.household import (
    birth_from_date,
    birth_from_id,
    evaluate_view,
    household_view,
)
from forms.criteria.result import NA, UNKNOWN, number, plain, shown
from forms.criteria.village import BY_REGISTER, evaluate_village
from forms.history import NOT_YET
from forms.history import labels as year_labels
from storage import procedures, snapshots
from storage.activity import measures_of_village
from storage.register import find_village, list_cadres, list_groups, policy_for, policy_years
from storage.report_queries import village_status_history, village_visits

from . import labels as L
from .model import (
    Cadre,
    CriterionResult,
    Finance,
    HouseholdRow,
    MeasureRow,
    Member,
    Posting,
    StatusChange,
    Village,
    VillageCriterion,
    VillageReportData,
    Visit,
    to_date,
    to_decimal,
)


class CollectError(ValueError):
    """A village or year the register does not have; the message is for the user (Chinese)."""


def village_report_data(
    store, village_code_or_id: str, year: int, *, posting_date: dt.date | None = None
) -> VillageReportData:
    """Everything the reports of one village need for `year`.

    Members' ages are full years on 31 August of `year` — the date the criteria use ("ages are
    full years on 31 August of the evaluation year"), so a card's ages agree with its reasons
    ("张三（12岁）辍学") — not on the posting date. ID numbers are kept whole; the reports mask
    them where they are posted.
    """
    village = find_village(store, str(village_code_or_id)) or store.get(
        "villages", str(village_code_or_id)
    )
    if village is None:
        raise CollectError(f"没有行政区划代码为 {village_code_or_id} 的村（village not found）")
    policy = policy_for(store, year)
    if policy is None:
        known = "、".join(map(str, policy_years(store))) or "无"
        raise CollectError(
            f"没有 {year} 年的政策参数（贫困线），已有年度：{known}（unknown year {year}）"
        )
    vsnap = snapshots.village_snapshot(store, village, year)
    team = list_cadres(store, village["id"])
    # names for every cadre the records point at: a 帮扶责任人 may be posted from the county
    cadres = {c["id"]: c for c in list_cadres(store)}
    groups = {g["id"]: g["name"] for g in list_groups(store, village["id"])}
    history = village_status_history(store, village["id"])
    by_household: dict[str, list[dict]] = defaultdict(list)
    for entry in history:
        by_household[entry["household_id"]].append(entry)

    line = to_decimal(policy.get("poverty_line"))
    households = [
        _household(s, year, line, cadres, groups, by_household) for s in vsnap["households"]
    ]
    by_id = {h.id: h for h in households}

    return VillageReportData(
        year=year,
        village=Village(
            code=village.get("code") or "",
            name=village.get("name") or "",
            township=village.get("township") or "",
            county=village.get("county") or "",
            pairing_unit=village.get("pairing_unit") or "",
            leader_in_charge=village.get("leader_in_charge") or "",
        ),
        team=_team(team),
        posting_date=posting_date,
        village_criteria=[_village_criterion(c) for c in evaluate_village(vsnap).criteria],
        households=households,
        measures=[_measure(m, by_id, cadres) for m in measures_of_village(store, village["id"])],
        visits=[_visit(v, by_id, cadres) for v in village_visits(store, village["id"])],
        status_changes=[_change(c, by_id) for c in history],
        poverty_line=line,
        closed=next((s["closed"]["note"] for s in vsnap["households"] if s.get("closed")), ""),
        postings={
            kind: Posting(
                start=dt.date.fromisoformat(p["start"]),
                days=p["days"],
                document=p["document"],
                household_ids=p["households"],
            )
            for kind, p in procedures.postings(store, village["id"], year).items()
        },
    )


# --- team -------------------------------------------------------------------------------------


def _team(cadres) -> list[Cadre]:
    """队长, 第一书记, 队员 first (the resident team), then the 帮扶责任人; by name within a role."""
    order = {role: i for i, role in enumerate(C.CADRE_ROLES)}
    rows = sorted(cadres, key=lambda c: (order.get(c.get("role"), len(order)), c.get("name") or ""))
    return [
        Cadre(
            name=c.get("name") or "",
            unit=c.get("unit") or "",
            role=c.get("role") or "",
            phone=c.get("phone") or "",
        )
        for c in rows
    ]


# --- households -------------------------------------------------------------------------------

_RELATION_ORDER = {r: i for i, r in enumerate(C.RELATIONS)}


def _household(
    snap: dict, year: int, line, cadres: dict, groups: dict, history: dict
) -> HouseholdRow:
    hh = snap["household"]
    view = household_view(snap)
    entries = history.get(hh["id"], [])
    status = view.status.status
    members = sorted(
        (p.raw for p in view.people),
        key=lambda m: (_RELATION_ORDER.get(m.get("relation"), 99), m.get("birth_date") or ""),
    )
    head = next((m for m in members if m.get("relation") == "户主"), members[0] if members else {})
    cadre = cadres.get(hh.get("cadre_id")) or {}
    evaluation = evaluate_view(view)
    return HouseholdRow(
        household_no=hh.get("household_no") or "",
        head_name=head.get("name") or "",
        id=hh["id"],
        group=groups.get(hh.get("group_id"), ""),
        size=hh.get("household_size"),
        status=_status_word(status),
        labels=year_labels(hh, entries, year),
        status_reason=_status_reason(status, entries),
        identification_year=hh.get("identification_year"),
        planned_exit_year=hh.get("planned_exit_year"),
        exit_year=view.status.exit_year or hh.get("exit_year"),
        poverty_attribute=hh.get("poverty_attribute") or "",
        main_cause=hh.get("main_cause") or "",
        cadre_name=cadre.get("name") or "",
        cadre_phone=cadre.get("phone") or "",
        criteria=[
            CriterionResult(no=c.no, status=c.status, reasons=list(c.reasons))
            for c in evaluation.criteria
        ],
        members=[_member(m, year) for m in members],
        finance=_finance(snap.get("finance"), year, line),
    )


def _status_word(status: str | None) -> str:
    """The status printed for the year: "" when not yet identified (not listed at all), 状态不明
    when it cannot be known (an exit without its year), never a guess."""
    if status == NOT_YET:
        return ""
    return status if status in C.HOUSEHOLD_STATUSES else L.STATUS_UNKNOWN


def _status_reason(status: str | None, entries: list[dict]) -> str:
    """The reason given when the household last entered the status it has in the year. An older
    change's reason is not used: a household planned to exit whose only entry is its
    identification must not print "精准识别纳入建档立卡" as the reason it is about to exit."""
    same = [e for e in entries if C.current_status(e.get("status")) == status]
    return (same[-1].get("reason") or "") if same else ""


def _member(m: dict, year: int) -> Member:
    return Member(
        name=m.get("name") or "",
        relation=m.get("relation") or "",
        sex=m.get("sex") or "",
        age=_age(m, year),
        id_number=m.get("id_number") or "",
        health=m.get("health") or "",
        school_status=m.get("school_status") or "",
        labor_ability=m.get("labor_ability") or "",
    )


def _age(m: dict, year: int) -> int | None:
    """The age the criteria give the member (their reasons name it): the birth date, else the
    ID number's, in full years on 31 August of the year; none for someone not yet born."""
    birth = birth_from_date(m.get("birth_date")) or birth_from_id(m.get("id_number"))
    if birth is None:
        return None
    age = age_on_31_august(birth, year)
    return age if age >= 0 else None


def _finance(f: dict | None, year: int, line) -> Finance | None:
    if not f:
        return Finance(year=year, poverty_line=line)
    return Finance(
        year=year,
        poverty_line=line,
        **{
            k: to_decimal(f.get(k))
            for k in (
                "wage_income",
                "operating_income",
                "operating_cost",
                "property_income",
                "transfer_income",
                "consumption_expenditure",
            )
        },
    )


# --- measures, visits, status changes ---------------------------------------------------------


def _measure(m: dict, households: dict, cadres: dict) -> MeasureRow:
    h = households.get(m.get("household_id"))
    return MeasureRow(
        description=m.get("description") or "",
        household_no=h.household_no if h else None,
        head_name=h.head_name if h else "",
        level=m.get("level") or ("户" if h else "村"),
        category=m.get("category") or "",
        cause=m.get("cause") or "",
        criterion_no=m.get("criterion_no"),
        quantity=to_decimal(m.get("quantity")),
        unit=m.get("unit") or "",
        money=to_decimal(m.get("money")),
        fund_source=m.get("fund_source") or "",
        cadre_name=(cadres.get(m.get("cadre_id")) or {}).get("name") or "",
        planned_date=to_date(m.get("planned_date")),
        status=m.get("status") or "计划",
        done_date=to_date(m.get("done_date")),
    )


def _visit(v: dict, households: dict, cadres: dict) -> Visit:
    h = households.get(v.get("household_id"))
    note = "；".join(
        x for x in (v.get("note"), v.get("follow_up") and f"跟进：{v['follow_up']}") if x
    )
    return Visit(
        date=to_date(v.get("date")),
        household_no=h.household_no if h else "",
        head_name=h.head_name if h else "",
        cadre_name=(cadres.get(v.get("cadre_id")) or {}).get("name") or "",
        purpose=v.get("purpose") or "",
        findings=v.get("findings") or "",
        note=note,
    )


def _change(c: dict, households: dict) -> StatusChange:
    h = households.get(c.get("household_id"))
    return StatusChange(
        household_no=h.household_no if h else "",
        head_name=h.head_name if h else "",
        status=c.get("status") or "",
        date=to_date(c.get("date")),
        reason=c.get("reason") or "",
    )


# --- the 17 village criteria as short texts for the wall chart --------------------------------

# What the village has now, from the result's figures: (figure key, label, unit, threshold).
# A share figure ({"yes", "total", "unknown"}) prints as a bare percentage, in the order of the
# target's ("94%，81%" against "100%，90%"), rounded as the criterion's own reason rounds it
# (kept below its threshold when it falls short); a count prints with its label and unit; a
# bool as 已通/未通. The label also names a share whose entries are partly unknown.
VALUE_PARTS: dict[int, tuple[tuple[str, str, str, float | None], ...]] = {
    2: (("pct", "", "%", None),),
    3: (("hard_roads_to_township", "硬化路", "条", None), ("bus_lines", "班车", "辆", None)),
    4: (("groups_road_pct", "", "%", None),),
    5: (("water_safe", "饮水安全", "户", 100), ("tap_water", "自来水入户", "户", 90)),
    6: (("power_grid", "", "", None),),
    7: (("housing_safe", "安全住房", "户", 100), ("housing_over_30", "人均大于30㎡", "户", 90)),
    8: (("industries", "", "项", None),),
    9: (("schooling", "适龄儿童", "人", 95),),
    10: (("ncms", "参合", "人", 95),),
    11: (("clinics", "卫生室", "个", None), ("doctors", "医师", "人", None)),
    12: (("pension", "参保", "人", 95),),
    13: (("any_toilet", "简易厕所", "户", 80), ("sanitary_toilet", "卫生厕所", "户", 70)),
    14: (("culture_rooms", "", "个", None),),
    15: (
        ("phone", "通讯", "户", 95),
        ("central_tv_coverage_pct", "", "%", None),
        ("local_tv_coverage_pct", "", "%", None),
        ("internet", "互联网", "户", 25),
    ),
    16: (("mutual_aid_associations", "", "个", None),),
    17: (("pct", "", "%", None),),
}
# The seed's targets (定发〔2015〕13号 二、(二) 2), as short as a wall-chart cell allows.
TARGETS = {
    2: "8%以下",
    3: "各1以上",
    4: "100%",
    5: "100%，90%以上",
    6: "通动力电",
    7: "100%，90%",
    8: "1项以上",
    9: "95%以上",
    10: "95%以上",
    11: "各1个以上",
    12: "95%以上",
    13: "80%，70%以上",
    14: "1个以上",
    15: "95%，98%，50%，25%",
    16: "1个以上",
    17: "100%",
}


def _village_criterion(c) -> VillageCriterion:
    """A result of evaluate_village as a wall-chart row: the title left blank (the chart prints
    its own short title), now and target as short texts, and reasons only for what the figures
    cannot say: how many entries of a rate are unknown, what data is missing, why a criterion
    does not apply. The full reasons are on screen and in `main.py check`."""
    figures = c.figures or {}
    parts = VALUE_PARTS.get(c.no, ())
    if c.no == 1:
        value, target = _income_texts(figures)
    else:
        value = "，".join(
            x
            for x in (
                _part(figures.get(key), label, unit, threshold)
                for key, label, unit, threshold in parts
            )
            if x
        )
        target = TARGETS.get(c.no, "")
    notes = [
        f"{label}另有{f['unknown']}{unit}数据不全"
        for key, label, unit, _ in parts
        if isinstance(f := figures.get(key), dict) and f.get("unknown")
    ]
    if not notes and c.status in (UNKNOWN, NA):
        notes = [r for r in c.reasons if not r.startswith(BY_REGISTER)]
    return VillageCriterion(
        no=c.no, status=c.status, value=value or "—", target=target, reasons=notes
    )


def _income_texts(figures: dict) -> tuple[str, str]:
    per, growth = number(figures.get("per_capita")), number(figures.get("growth_pct"))
    line, prov = number(figures.get("poverty_line")), number(figures.get("province_growth_pct"))
    value = "，".join(
        x
        for x in (
            f"{per:.0f}元" if per is not None else "",
            f"增{growth:.1f}%" if growth is not None else "",
        )
        if x
    )
    target = "，".join(
        (
            f"高于{plain(line)}元" if line is not None else "高于贫困线",
            f"增幅高于{plain(prov)}%" if prov is not None else "增幅高于全省",
        )
    )
    return value, target


def _part(figure, label: str, unit: str, threshold: float | None) -> str:
    if figure is None:
        return ""
    if isinstance(figure, dict):
        yes, total = figure.get("yes"), figure.get("total")
        if not total:
            return ""
        rate = 100.0 * yes / total
        below = threshold is not None and rate < threshold
        return _pct(shown(rate, 1, threshold, "below" if below else None))
    if isinstance(figure, bool):
        return "已通" if figure else "未通"
    v = number(figure)
    if v is None:
        return ""
    return _pct(v) if unit == "%" else f"{label}{plain(v)}{unit}"


def _pct(v: float) -> str:
    """92.2% / 100% (no needless .0)."""
    return f"{v:.0f}%" if float(v).is_integer() else f"{v:.1f}%"
