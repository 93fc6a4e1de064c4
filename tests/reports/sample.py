"""A realistic, deterministic sample village for the report tests and the docs pictures."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from reports.model import (
    Cadre,
    CriterionResult,
    Finance,
    HouseholdRow,
    MeasureRow,
    Member,
    StatusChange,
    Village,
    VillageCriterion,
    VillageReportData,
    Visit,
)

SURNAMES = "王李张刘陈杨赵马何魏牛安景汪董祁雒包苟"
MALE_GIVEN = "建国 永平 志强 继红 有福 明德 学军 宝山 国庆 天佑 小军 晓东 长生 振华 得福".split()
FEMALE_GIVEN = "玉兰 秀英 海燕 翠花 春梅 彩霞 兰芳 金花 文静 丽娟 桂英 红霞 淑珍".split()
BOY_GIVEN, GIRL_GIVEN = "浩然 子轩 宇航 俊杰".split(), "梓涵 欣怡 佳怡 思雨".split()
GROUPS = ["一社", "二社", "三社", "四社", "五社", "六社"]
CAUSES = ["因病", "因学", "缺技术", "缺资金", "因残", "缺劳力", "交通条件落后", "自身发展动力不足"]
REGION = "621102"  # 定西市安定区

# A measure that closes each criterion: (category, description, money, fund source).
MEASURE_FOR = {
    1: ("产业发展", "扶持发展养羊，投母还羔基础母羊5只", 6000, "财政专项扶贫资金"),
    2: ("危房改造", "实施农村危房改造，新建砖混住房80平方米", 22000, "行业部门资金"),
    3: ("饮水安全", "接通自来水入户，配套水窖一眼", 1800, "行业部门资金"),
    4: ("教育资助", "劝返复学，落实“两免一补”和营养餐", 1250, "行业部门资金"),
    5: ("技能培训", "参加县人社局挖掘机驾驶技能培训", 0, "行业部门资金"),
    6: ("转移就业", "联系省外劳务输转，签订务工合同", 0, "双联单位"),
    7: ("医疗救助", "代缴新农合个人缴费部分", 300, "财政专项扶贫资金"),
    8: ("社会保障", "办理新农保参保，代缴最低档保费", 200, "双联单位"),
    9: ("基础设施", "改建卫生厕所一座", 1500, "财政专项扶贫资金"),
    10: ("基础设施", "广电户户通设备安装，开通宽带", 650, "社会帮扶"),
    11: ("金融扶贫", "办理精准扶贫专项贷款5万元，偿还因病借款", 50000, "金融贷款"),
    12: ("社会保障", "纳入农村低保二类，提高生活保障水平", 2760, "行业部门资金"),
}
UNMET_REASONS = {
    1: "人均可支配收入{v}元，低于贫困线3335元",
    2: "住房为危房，人均住房面积{a}平方米",
    3: "饮用水窖水，水质未达标",
    4: "{child}，{age}岁，辍学",
    5: "{name}，普通劳动力，未参加技能培训",
    6: "无稳定增收门路",
    7: "{name}未参加新农合",
    8: "{name}，{age}岁，未参加新农保",
    9: "无厕所",
    10: "未接通互联网",
    11: "因病借贷3万元",
    12: "人均生活消费支出{v}元，低于扶贫标准",
}
VILLAGE_FACTS = [
    (1, "3120元", "高于贫困线"),
    (2, "12.6%", "8%以下"),
    (3, "有硬化路1条，无客运班车", "各1以上"),
    (4, "83%", "100%"),
    (5, "饮水安全96%，自来水入户72%", "100%，90%以上"),
    (6, "已通", "通动力电"),
    (7, "94%，81%", "100%，90%"),
    (8, "马铃薯、养羊", "1项以上"),
    (9, "97%", "95%以上"),
    (10, "99%", "95%以上"),
    (11, "有卫生室，无执业医师", "各1个以上"),
    (12, "91%", "95%以上"),
    (13, "85%，52%", "80%，70%"),
    (14, "有", "1个以上"),
    (15, "通讯98%，互联网18%", "95%，25%"),
    (16, "有", "1个以上"),
    (17, "—", "100%"),
]


# 新识别 and 计划脱贫 are labels of a household that is 未脱贫 (docs/domain.md): the sample draws
# a kind of household and stores its state, with the label where the kind has one.
STATE = {"新识别": "未脱贫", "计划脱贫": "未脱贫"}


def id_number(rng: random.Random, birth: dt.date, female: bool) -> str:
    """A well-formed 18-digit ID (ISO 7064 MOD 11-2 check digit), region 621102."""
    parity = rng.randrange(0, 10, 2) if female else rng.randrange(1, 10, 2)
    seq = rng.randrange(10, 99) * 10 + parity
    body = f"{REGION}{birth:%Y%m%d}{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def _member(rng, surname, relation, age, year, female, given=None) -> Member:
    birth = dt.date(year - age, rng.randrange(1, 13), rng.randrange(1, 28))
    school = (
        ("小学" if age <= 11 else "初中" if age <= 15 else "高中")
        if 6 <= age <= 17
        else ("学龄前" if age < 6 else "非在校")
    )
    labor = (
        "无劳动力"
        if age < 16
        else "丧失劳动力"
        if age > 70
        else rng.choice(["普通劳动力", "普通劳动力", "技能劳动力", "弱劳动力或半劳动力"])
    )
    given = given or rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    return Member(
        name=surname + given,
        relation=relation,
        sex="女" if female else "男",
        age=age,
        id_number=id_number(rng, birth, female),
        health=rng.choice(["健康"] * 5 + ["长期慢性病", "患有大病", "残疾"]),
        school_status=school,
        labor_ability=labor,
    )


def sample_village(n_households: int = 45, year: int = 2017, seed: int = 2017) -> VillageReportData:
    rng = random.Random(seed)
    team = [
        Cadre("魏振华", "定西市农牧局", "队长", "13909320101"),
        Cadre("李海燕", "定西市农牧局", "第一书记", "13519320202"),
        Cadre("张学军", "安定区香泉镇人民政府", "队员", "18693200303"),
        Cadre("马兰芳", "安定区农业银行", "队员", "15293200404"),
    ]
    cadres = [c.name for c in team] + ["牛得福", "汪丽娟"]
    households, measures, visits, changes = [], [], [], []
    for i in range(n_households):
        surname = SURNAMES[i % len(SURNAMES)] if i % 3 else rng.choice(SURNAMES)
        head_age = rng.randrange(32, 76)
        head_female = i % 9 == 4
        members = [_member(rng, surname, "户主", head_age, year, female=head_female)]
        if rng.random() < 0.85:
            members.append(
                _member(
                    rng,
                    rng.choice(SURNAMES),
                    "配偶",
                    head_age - rng.randrange(0, 5),
                    year,
                    female=not head_female,
                )
            )
        for _ in range(rng.randrange(0, 4)):
            age = max(1, head_age - rng.randrange(22, 32))
            female = rng.random() < 0.5
            members.append(
                _member(
                    rng,
                    surname,
                    "女" if female else "子",
                    age,
                    year,
                    female,
                    given=rng.choice(GIRL_GIVEN if female else BOY_GIVEN),
                )
            )
        if head_age < 50 and rng.random() < 0.3:
            members.append(_member(rng, surname, "父母", head_age + 26, year, False))
        no = f"62110210320100{i + 1:02d}"
        roll = rng.random()
        status, planned, exited = (
            ("计划脱贫", year, None)
            if roll < 0.55
            else ("已脱贫", year, year)
            if roll < 0.7
            else ("新识别", year + 1, None)
            if roll < 0.8
            else ("返贫", year + 1, None)
            if roll < 0.87
            else ("已脱贫", year - 1, year - 1)
            if roll < 0.93
            else ("计划脱贫", year + 1, None)
            if roll < 0.96
            else ("清退", None, None)
        )
        criteria = []
        for n in range(1, 13):
            r = rng.random()
            if status == "已脱贫":
                s = "not_applicable" if n in (4, 5) and r < 0.4 else "met"
            else:
                s = (
                    "met"
                    if r < 0.66
                    else "unmet"
                    if r < 0.86
                    else "unknown"
                    if r < 0.95
                    else "not_applicable"
                )
                if n == 4 and not any(6 <= (m.age or 0) <= 15 for m in members):
                    s = "not_applicable"
            reasons = []
            if s == "unmet":
                kid = next((m for m in members if 6 <= (m.age or 0) <= 15), members[0])
                reasons = [
                    UNMET_REASONS[n].format(
                        v=rng.randrange(1900, 2900),
                        a=rng.randrange(12, 29),
                        child=kid.name,
                        age=kid.age,
                        name=members[-1].name,
                    )
                ]
            elif s == "unknown":
                reasons = ["缺少本年度收支数据" if n in (1, 12) else "待入户核实"]
            criteria.append(CriterionResult(n, s, reasons))
        cadre = cadres[i % len(cadres)]
        size = len(members)
        wage = Decimal(rng.randrange(2000, 16000))
        finance = Finance(
            year=year,
            wage_income=wage,
            operating_income=Decimal(rng.randrange(1000, 8000)),
            operating_cost=Decimal(rng.randrange(300, 2000)),
            property_income=Decimal(rng.randrange(0, 800)),
            transfer_income=Decimal(rng.randrange(500, 4000)),
            consumption_expenditure=Decimal(rng.randrange(6000, 18000)),
            poverty_line=Decimal("3335"),
        )
        h = HouseholdRow(
            household_no=no,
            head_name=members[0].name,
            id=i + 1,
            group=GROUPS[i % len(GROUPS)],
            size=size,
            status=STATE.get(status, status),
            labels=[status]
            if status == "新识别" or (status == "计划脱贫" and planned == year)
            else [],
            identification_year=2014 if status != "新识别" else year,
            planned_exit_year=planned,
            exit_year=exited,
            poverty_attribute=rng.choice(["一般贫困户", "一般贫困户", "低保贫困户"]),
            main_cause=rng.choice(CAUSES),
            cadre_name=cadre,
            cadre_phone=f"1389320{i:04d}",
            criteria=criteria,
            members=members,
            finance=finance,
        )
        households.append(h)
        for c in criteria:
            if c.status != "unmet" or rng.random() < 0.1:
                continue
            cat, desc, money, fund = MEASURE_FOR[c.no]
            planned_date = dt.date(year, rng.randrange(3, 12), rng.choice([10, 15, 20, 28]))
            st = rng.choice(["已完成", "已完成", "实施中", "计划"])
            done = (
                planned_date - dt.timedelta(days=rng.randrange(0, 20)) if st == "已完成" else None
            )
            if done and done.year != year:
                done = dt.date(year, 1, 5)
            measures.append(
                MeasureRow(
                    description=desc,
                    household_no=no,
                    level="户",
                    category=cat,
                    cause=h.main_cause,
                    criterion_no=c.no,
                    quantity=Decimal(1),
                    unit="项",
                    money=Decimal(money) + Decimal(rng.randrange(0, 100)) / 4,
                    fund_source=fund,
                    cadre_name=cadre,
                    planned_date=planned_date,
                    status=st,
                    done_date=done,
                )
            )
        for _ in range(rng.randrange(1, 4)):
            d = dt.date(year, rng.randrange(1, 12), rng.randrange(1, 28))  # before posting
            visits.append(
                Visit(
                    date=d,
                    household_no=no,
                    head_name=h.head_name,
                    cadre_name=cadre,
                    purpose=rng.choice(
                        ["了解生产生活情况", "核实收入", "宣讲扶贫政策", "落实帮扶措施"]
                    ),
                    findings=rng.choice(
                        [
                            "养羊6只，长势良好",
                            "户主腰腿疼，需就医",
                            "孩子已返校上学",
                            "危房改造已开工",
                            "家中无人，电话联系",
                        ]
                    ),
                    note="",
                )
            )
        changes.append(
            StatusChange(
                household_no=no,
                head_name=h.head_name,
                status=STATE.get(status, status),
                date=dt.date(
                    year if status != "已脱贫" or exited == year else year - 1,
                    rng.randrange(1, 12),
                    15,
                ),
                reason={
                    "计划脱贫": "列入年度计划脱贫户",
                    "已脱贫": "12项指标达标，经村民代表评议通过",
                    "新识别": "因病致贫，经评议新识别",
                    "返贫": "因灾返贫，房屋受损",
                    "清退": "家庭有财政供养人员，不符合识别标准",
                }[status],
            )
        )
        h.status_reason = changes[-1].reason
    for desc, cat, money, st, crit in [
        ("硬化通社道路3.2公里", "基础设施", 960000, "实施中", 4),
        ("新建标准化村卫生室1所", "基础设施", 150000, "已完成", 11),
        ("自来水入户管网延伸，覆盖三社、五社", "饮水安全", 420000, "计划", 5),
        ("成立养羊专业合作社，建棚圈20座", "产业发展", 300000, "实施中", 8),
        ("互助资金协会增资", "金融扶贫", 200000, "已完成", 16),
        ("开通到村客运班车", "基础设施", 0, "计划", 3),
        ("“两后生”技能培训12人", "技能培训", 36000, "计划", 17),
    ]:
        planned_date = dt.date(year, rng.randrange(4, 12), 28)
        measures.append(
            MeasureRow(
                description=desc,
                household_no=None,
                level="村",
                category=cat,
                cause="交通条件落后" if crit in (3, 4) else "缺资金",
                criterion_no=crit,
                money=Decimal(money),
                fund_source="行业部门资金",
                cadre_name="魏振华",
                planned_date=planned_date,
                status=st,
                done_date=planned_date if st == "已完成" else None,
            )
        )
    village_criteria = [
        VillageCriterion(
            no,
            "",
            rng.choice(["met", "met", "unmet"]) if no != 17 else "unknown",
            value,
            target,
            [] if no % 4 else ["按户级数据汇总"],
        )
        for no, value, target in VILLAGE_FACTS
    ]
    return VillageReportData(
        year=year,
        village=Village(
            code="621102103201",
            name="石门村",
            township="香泉镇",
            county="安定区",
            pairing_unit="定西市农牧局、安定区农业银行",
            leader_in_charge="王永平（副区长）",
        ),
        team=team,
        posting_date=dt.date(year, 12, 10),
        village_criteria=village_criteria,
        households=households,
        measures=measures,
        visits=visits,
        status_changes=changes,
        poverty_line=Decimal("3335"),
    )
