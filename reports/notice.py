"""公示/公告: households planned to exit, exited, newly identified or returned, posted in public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from pathlib import Path

from reportlab.platypus import KeepTogether, Spacer, Table

from . import labels as L
from .common import empty_note, fit, furniture, inner_table, span_inner, title_block, village_name
from .model import Cadre, HouseholdRow, VillageReportData
from .pages import Furniture, render_story
from .privacy import mask_id, public_member_fields, scrub_ids
from .styles import Styles, grid_table, table

# A4 portrait is 44 em wide: 12 pt type; A3 portrait 17 pt.
EMS = 44.0
POSTING_DAYS = 7
# Member columns a notice may show; public_member_fields drops any the register marks
# non-public (health is public=False), so a notice can never print it.
MEMBER_COLUMNS = public_member_fields(("name", "relation", "sex", "id_number"))
MEMBER_HEADS = {"name": "姓名", "relation": "关系", "sex": "性别", "id_number": "身份证号"}
MEMBER_WIDTHS = {"name": 4.6, "relation": 3.0, "sex": 2.4, "id_number": 10.6}


@dataclass(frozen=True)
class NoticeKind:
    noun: str  # who is listed: 拟脱贫户
    word: str  # 公示 (objections invited) or 公告 (announced)
    listed: (
        str  # the status (已脱贫, 返贫) or the year's label (计划脱贫, 新识别) a household shows
    )
    intro: str  # {name} {year} {n} {people} are filled in
    reason_head: str

    def title(self, year) -> str:
        return f"{year or ''}年{self.noun}{self.word}" if year else f"{self.noun}{self.word}"


# 定发〔2015〕13号: "做好年度计划脱贫村、脱贫户、脱贫人口和已脱贫村、脱贫户、脱贫人口的公示、公告工作，
# 切实做到有进有出、动态管理。"
KINDS = {
    "planned_exit": NoticeKind(
        "拟脱贫户",
        "公示",
        L.LABEL_PLANNED,
        "按照“农户申请、村民代表评议、驻村工作队和村委会核实”的程序，经核查，{name}{year}年"
        "拟脱贫户共{n}户{people}人，现予以公示。",
        "拟脱贫情况",
    ),
    "exited": NoticeKind(
        "脱贫户",
        "公告",
        L.STATUS_EXITED,
        "经农户认可、村民代表评议、驻村工作队和村委会核实、乡镇审核，{name}以下{n}户{people}人"
        "已达到脱贫标准，于{year}年实现脱贫，现予以公告。",
        "脱贫情况",
    ),
    "new": NoticeKind(
        "新识别贫困户",
        "公示",
        L.LABEL_NEW,
        "按照精准识别程序，经农户申请、村民代表评议、驻村工作队和村委会核实，{name}拟将以下"
        "{n}户{people}人新识别为建档立卡贫困户，现予以公示。",
        "致贫原因",
    ),
    "returned": NoticeKind(
        "返贫户",
        "公示",
        L.STATUS_RETURNED,
        "经入户核实、村民代表评议，{name}以下{n}户{people}人返贫，拟重新纳入建档立卡贫困户，"
        "现予以公示。",
        "返贫原因",
    ),
    # The announcements that end the identification, return and removal procedures, and the
    # removal's notice (forms.procedures: each kind's 公示 and 公告).
    "new_announced": NoticeKind(
        "新识别贫困户",
        "公告",
        L.LABEL_NEW,
        "经农户申请、村民代表评议、公示、信息比对和乡镇审核，{name}以下{n}户{people}人识别为"
        "建档立卡贫困户，现予以公告。",
        "致贫原因",
    ),
    "returned_announced": NoticeKind(
        "返贫户",
        "公告",
        L.STATUS_RETURNED,
        "经农户申请、村民代表评议、公示和乡镇审核，{name}以下{n}户{people}人返贫，重新纳入建档立卡"
        "贫困户，现予以公告。",
        "返贫原因",
    ),
    "removed": NoticeKind(
        "拟清退户",
        "公示",
        L.STATUS_REMOVED,
        "经入户核实、村民代表评议，{name}以下{n}户{people}人不符合建档立卡贫困户识别标准，拟予清退，"
        "现予以公示。",
        "清退原因",
    ),
    "removed_announced": NoticeKind(
        "清退户",
        "公告",
        L.STATUS_REMOVED,
        "经入户核实、村民代表评议、公示和乡镇审核，{name}以下{n}户{people}人不符合建档立卡贫困户"
        "识别标准，予以清退，现予以公告。",
        "清退原因",
    ),
}


def notice_households(data: VillageReportData, kind: str) -> list[HouseholdRow]:
    """The households a notice of `kind` lists for data.year.

    拟脱贫户公示 lists only households planned to exit this year that meet all 12 criteria:
    the notice says "经核查…拟脱贫", and the seed forbids reporting an exit that is not real
    ("不得虚报…减贫人口"). The others are named by withheld_households()."""
    k = KINDS[kind]
    posting = data.postings.get(kind)
    if posting is not None:  # the procedure says who was posted together
        ids = set(posting.household_ids)
        return [h for h in data.households if h.id in ids]
    out = []
    for h in data.households:
        if not _shows(h, k):
            continue
        if kind == "planned_exit" and (
            h.planned_exit_year not in (None, data.year) or h.not_passing
        ):
            continue
        if kind == "exited" and h.exit_year not in (None, data.year):
            continue
        if kind == "new" and h.identification_year not in (None, data.year):
            continue
        out.append(h)
    return out


def _shows(h: HouseholdRow, k: NoticeKind) -> bool:
    """The household has the kind's status at the end of the year, or its label in the year (a
    planned exit only while still poor: one already out is on the 脱贫户公告)."""
    if k.listed == L.LABEL_PLANNED:
        return k.listed in h.labels and h.status in (L.STATUS_POOR, L.STATUS_RETURNED)
    if k.listed == L.LABEL_NEW:
        return k.listed in h.labels and h.status not in ("", L.STATUS_REMOVED)
    return h.status == k.listed


def withheld_households(data: VillageReportData, kind: str) -> list[HouseholdRow]:
    """Households planned to exit this year but left off the 拟脱贫户公示: a criterion is unmet
    or cannot be judged (data missing)."""
    if kind != "planned_exit" or kind in data.postings:
        return []
    return [
        h
        for h in data.households
        if _shows(h, KINDS[kind]) and h.planned_exit_year in (None, data.year) and h.not_passing
    ]


def build_notice_story(
    data: VillageReportData,
    styles: Styles,
    kind: str = "planned_exit",
    *,
    households: list[HouseholdRow] | None = None,
    start: dt.date | None = None,
    days: int = POSTING_DAYS,
    contact: Cadre | None = None,
    supervision_phone: str = "",
) -> list:
    """`households` overrides the selection by status; `start` defaults to the posting date;
    `contact` (whom to tell an objection) defaults to the team leader (队长)."""
    # A notice is posted in public: every text it prints goes through styles' p/strong/
    # p_with_note, and so through scrub_ids (an ID number typed into any free text, the
    # village's name as much as a reason, is masked), a field added later as much as these.
    styles = replace(styles, scrub=scrub_ids)
    k = KINDS[kind]
    name = village_name(data)
    rows = notice_households(data, kind) if households is None else households
    people = sum(h.people for h in rows)
    posting = data.postings.get(kind)
    if posting is not None:  # the procedure's posting date, period and number, as recorded
        start, days = posting.start, posting.days
    start = start if start is not None else data.posting_date
    end = start + dt.timedelta(days=days - 1) if isinstance(start, dt.date) else None
    story = title_block(
        styles, f"{name}{k.title(data.year)}", f"{data.village.county}{data.village.township}{name}"
    )
    if posting is not None and posting.document:
        story.append(styles.p(posting.document, styles.subtitle))
    story.append(
        styles.p(
            k.intro.format(name=name, year=data.year or "", n=len(rows), people=people), styles.body
        )
    )
    if rows:
        story.append(_table(data, rows, kind, styles))
    else:
        story.append(empty_note(styles, f"经核查，{name}{data.year or ''}年无{k.noun}"))
    story.append(Spacer(1, styles.base * 0.8))
    story += _closing(data, k, start, end, days, contact, supervision_phone, styles)
    return story


def render_notice(
    data: VillageReportData,
    out_path,
    kind: str = "planned_exit",
    paper: str = "A4",
    landscape: bool = False,
    *,
    households: list[HouseholdRow] | None = None,
    start: dt.date | None = None,
    days: int = POSTING_DAYS,
    contact: Cadre | None = None,
    supervision_phone: str = "",
    base_size: float | None = None,
) -> Path:
    """Write a notice of `kind` ("planned_exit", "exited", "new", "returned") to out_path."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}; one of {', '.join(KINDS)}")
    title = f"{village_name(data)}{KINDS[kind].title(data.year)}"
    return render_story(
        out_path,
        lambda s: build_notice_story(
            data,
            s,
            kind,
            households=households,
            start=start,
            days=days,
            contact=contact,
            supervision_phone=supervision_phone,
        ),
        _public(furniture(data, title)),
        paper=paper,
        landscape=landscape,
        ems=EMS,
        base_size=base_size,
    )


def _public(f: Furniture) -> Furniture:
    """The page furniture (title, place, footer with the closed year's note; the PDF's title)
    with every text scrubbed like the story's."""
    texts = {x.name: getattr(f, x.name) for x in fields(f)}
    return replace(f, **{k: scrub_ids(v) for k, v in texts.items() if isinstance(v, str)})


def _reason(data: VillageReportData, h: HouseholdRow, kind: str) -> str:
    # The cadre's free-text reason stays in the register: it may say what illness a member has,
    # and a public wall must not. The notice shows the declared cause and the income figure.
    lines = []
    if kind in ("removed", "removed_announced"):
        lines.append("不符合识别标准")
    elif kind in ("new", "returned", "new_announced", "returned_announced"):
        lines.append(h.main_cause)
    else:
        income = h.finance.income_per_capita(h.people) if h.finance else None
        if income is not None:
            lines.append(f"人均可支配收入：\n{L.money(income)}元")
    return "\n".join(x for x in lines if x) or "—"


def _table(data, rows, kind, styles: Styles) -> Table:
    p, em = styles.p, styles.em
    lead = [2.4, 5.0, 2.6]
    mw = [em(MEMBER_WIDTHS[c]) for c in MEMBER_COLUMNS]
    widths = [em(x) for x in lead] + mw
    widths.append(styles.width - sum(widths))
    first_m, last_m = len(lead), len(lead) + len(mw) - 1
    head0 = (
        [p(x, styles.head) for x in ("序号", "户主", "人口")]
        + [p("家庭成员", styles.head)]
        + [""] * (len(mw) - 1)
        + [p(KINDS[kind].reason_head, styles.head)]
    )
    head1 = [""] * len(lead) + [p(MEMBER_HEADS[c], styles.head) for c in MEMBER_COLUMNS] + [""]
    table = [head0, head1]
    extra = [("SPAN", (c, 0), (c, 1)) for c in range(len(lead))]
    extra += [("SPAN", (first_m, 0), (last_m, 0)), ("SPAN", (len(widths) - 1, 0), (-1, 1))]
    for i, h in enumerate(rows, 1):
        r = len(table)
        members = [
            [
                p(_member_value(m, c), styles.cell_center if c != "name" else styles.cell)
                for c in MEMBER_COLUMNS
            ]
            for m in h.members
        ]
        table.append(
            [
                p(str(i), styles.cell_center),
                styles.p_with_note(h.head_name or "—", h.group, styles.big_name),
                p(str(h.people), styles.cell_center),
                fit(inner_table(members, mw, styles, "（未登记家庭成员）", vlines=False), styles),
            ]
            + [""] * (len(mw) - 1)
            + [p(_reason(data, h, kind))]
        )
        extra += span_inner(first_m, last_m, r)
    r = len(table)
    table.append(
        [p(f"合计 {len(rows)} 户 {sum(h.people for h in rows)} 人", styles.cell_center)]
        + [""] * (len(widths) - 1)
    )
    extra += [("SPAN", (0, r), (-1, r))]
    return grid_table(table, widths, styles, header_rows=2, zebra=False, extra=extra)


def _member_value(m, key: str) -> str:
    if key == "id_number":
        return mask_id(m.id_number) or "—"
    return getattr(m, key, None) or "—"


def _closing(
    data, k: NoticeKind, start, end, days, contact, supervision_phone, styles: Styles
) -> list:
    p = styles.p
    period = (
        f"{k.word}期：{L.date_long(start)}至{L.date_long(end)}（共{days}天）。"
        if isinstance(start, dt.date)
        else f"{k.word}期：{days}天，自张贴之日起计算。"
    )
    contact = (
        contact
        or next((c for c in data.team if c.role == "队长"), None)
        or (data.team[0] if data.team else None)
    )
    who = (
        f"联系人：{contact.name}（{contact.role or '驻村工作队'}）　联系电话：{L.text(contact.phone)}"
        if contact
        else "联系人：驻村工作队"
    )
    out = [
        p(
            period + f"{k.word}期内如有异议，请以书面或口头形式向村委会、驻村帮扶工作队反映。",
            styles.body,
        ),
        p(
            who + (f"　县扶贫办监督电话：{supervision_phone}" if supervision_phone else ""),
            styles.body,
        ),
        Spacer(1, styles.base * 1.5),
    ]
    half = styles.width / 2
    sign = table(
        [
            [p("村委会（盖章）", styles.big_name), p("驻村帮扶工作队（盖章）", styles.big_name)],
            [
                p("负责人签字：__________", styles.cell_center),
                p("队长签字：__________", styles.cell_center),
            ],
            [
                p("日期：" + L.date_long(start), styles.cell_center),
                p("日期：" + L.date_long(start), styles.cell_center),
            ],
        ],
        [half, half],
        [
            ("TOPPADDING", (0, 0), (-1, -1), styles.base * 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), styles.base * 0.6),
        ],
    )
    out.append(KeepTogether([sign]))
    return out
