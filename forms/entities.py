"""Each entity's fields declared once: key, Chinese label, kind, choices, range, help."""

from __future__ import annotations

from . import choices as C
from .fields import (
    AREA,
    BOOL,
    DATE,
    DIVISION_CODE,
    ENUM,
    ID_NUMBER,
    INT,
    MONEY,
    MULTI,
    NUMBER,
    PHONE,
    REF,
    TEXT,
    YEAR,
    Field,
    Form,
)
from .procedures import EVENTS, KINDS

PROCEDURE_KINDS = tuple(k.name for k in KINDS.values())
PROCEDURE_STEPS = tuple(
    dict.fromkeys([s.name for k in KINDS.values() for s in k.steps] + [e.name for e in EVENTS])
)

VILLAGE = Form(
    "village",
    "村",
    record_label="name",
    fields=(
        Field(
            "code",
            "行政区划代码",
            DIVISION_CODE,
            required=True,
            help="12位行政区划代码，如 621102100201",
        ),
        Field("name", "村名", TEXT, required=True, max_length=40),
        Field("township", "乡镇", TEXT, required=True, max_length=40),
        Field("county", "县区", TEXT, required=True, max_length=40),
        Field("is_poor_village", "是否贫困村", BOOL),
        Field("planned_exit_year", "计划退出年度", YEAR),
        Field("exit_year", "退出年度", YEAR),
        Field("pairing_unit", "帮扶单位", TEXT, max_length=100, help="双联单位 / 帮扶单位"),
        Field("leader_in_charge", "包抓领导", TEXT, max_length=60),
    ),
)

GROUP = Form(
    "group",
    "社",
    record_label="name",
    fields=(
        Field("village_id", "村", REF, required=True, ref_entity="village"),
        Field("name", "社名", TEXT, required=True, max_length=40, help="村民小组，如 一社"),
    ),
)

CADRE = Form(
    "cadre",
    "帮扶干部",
    record_label="name",
    fields=(
        Field("name", "姓名", TEXT, required=True, max_length=30),
        Field("unit", "单位", TEXT, max_length=100),
        Field("role", "职务", ENUM, choices=C.CADRE_ROLES),
        Field("phone", "联系电话", PHONE),
        Field("village_id", "驻村", REF, ref_entity="village"),
    ),
)

HOUSEHOLD = Form(
    "household",
    "贫困户",
    record_label="household_no",
    fields=(
        Field("village_id", "村", REF, required=True, ref_entity="village"),
        Field("group_id", "社", REF, ref_entity="group", live=True),
        Field("household_no", "户编号", TEXT, required=True, max_length=30),
        Field(
            "status",
            "户状态",
            ENUM,
            required=True,
            choices=C.HOUSEHOLD_FIELD_STATUSES,
            aliases=tuple(C.OLD_STATUS_WORDS.items()),
        ),
        Field("identification_year", "识别年度", YEAR),
        Field("planned_exit_year", "计划脱贫年度", YEAR),
        Field("exit_year", "脱贫年度", YEAR),
        Field("poverty_attribute", "贫困户属性", ENUM, choices=C.POVERTY_ATTRIBUTES),
        Field("dibao_class", "低保类别", ENUM, choices=C.DIBAO_CLASSES),
        Field("main_cause", "主要致贫原因", ENUM, choices=C.POVERTY_CAUSES),
        Field("other_causes", "其他致贫原因", MULTI, choices=C.POVERTY_CAUSES),
        Field("cadre_id", "帮扶责任人", REF, ref_entity="cadre", live=True),
        Field(
            "household_size",
            "家庭人口数",
            INT,
            min=1,
            max=30,
            help="户籍登记的人口数；应与家庭成员名单一致",
        ),
        Field("phone", "联系电话", PHONE, live=True),
        Field("address", "住址", TEXT, max_length=100, live=True),
        # 生产生活条件
        Field("housing_safe", "住房安全稳固", BOOL, help="危房 = 否"),
        Field("housing_area_m2", "住房面积", AREA, unit="m²", max=2000),
        Field("water_safe", "饮水安全", BOOL),
        Field("tap_water", "接通自来水", BOOL),
        Field("toilet", "厕所", ENUM, choices=C.TOILETS),
        Field("has_phone", "有通讯设备", BOOL),
        Field("has_cable_tv", "有线广播电视入户", BOOL),
        Field("has_internet", "接通互联网", BOOL),
        Field(
            "income_channels",
            "增收门路",
            MULTI,
            choices=C.INCOME_CHANNELS,
            help="不选 = 无增收门路",
        ),
        Field("borrow_illness", "因病借贷", BOOL),
        Field("borrow_school", "因学借贷", BOOL),
        Field("borrow_marriage", "因婚借贷", BOOL),
        Field("farmland_mu", "耕地面积", AREA, unit="亩", max=1000, live=True),
        Field("irrigated_mu", "有效灌溉面积", AREA, unit="亩", max=1000, live=True),
        Field("road_distance_km", "距主干道距离", NUMBER, unit="km", max=200, live=True),
        Field("road_type", "入户路类型", ENUM, choices=C.ROAD_TYPES, live=True),
        Field("fuel_type", "主要燃料类型", ENUM, choices=C.FUEL_TYPES, live=True),
        Field("in_cooperative", "加入农民专业合作社", BOOL, live=True),
        Field("has_bank_account", "有惠农资金账户", BOOL, live=True),
    ),
    sections={
        "基本信息": (
            "household_no",
            "group_id",
            "status",
            "identification_year",
            "planned_exit_year",
            "exit_year",
            "poverty_attribute",
            "dibao_class",
            "main_cause",
            "other_causes",
            "cadre_id",
            "household_size",
            "phone",
            "address",
        ),
        "生产生活条件": (
            "housing_safe",
            "housing_area_m2",
            "water_safe",
            "tap_water",
            "toilet",
            "has_phone",
            "has_cable_tv",
            "has_internet",
            "income_channels",
            "borrow_illness",
            "borrow_school",
            "borrow_marriage",
            "farmland_mu",
            "irrigated_mu",
            "road_distance_km",
            "road_type",
            "fuel_type",
            "in_cooperative",
            "has_bank_account",
        ),
    },
)

MEMBER = Form(
    "member",
    "家庭成员",
    record_label="name",
    fields=(
        Field("household_id", "户", REF, required=True, ref_entity="household"),
        Field("name", "姓名", TEXT, required=True, max_length=30),
        Field("id_number", "身份证号", ID_NUMBER, help="18位公民身份号码，末位可为 X"),
        Field("relation", "与户主关系", ENUM, required=True, choices=C.RELATIONS),
        Field("sex", "性别", ENUM, choices=C.SEXES, help="有身份证号时由号码推出"),
        Field("birth_date", "出生日期", DATE, help="有身份证号时由号码推出"),
        Field("ethnicity", "民族", ENUM, choices=C.ETHNICITIES),
        Field("education", "文化程度", ENUM, choices=C.EDUCATION),
        Field("school_status", "在校生状况", ENUM, choices=C.SCHOOL_STATUSES),
        Field("health", "健康状况", ENUM, choices=C.HEALTH, public=False),
        Field("labor_ability", "劳动技能", ENUM, choices=C.LABOR_ABILITIES),
        Field("skills_trained", "接受技能培训", BOOL),
        Field("skills_year", "培训年度", YEAR),
        Field("migrant_work", "务工状况", ENUM, choices=C.MIGRANT_WORK),
        Field("migrant_months", "务工时间", INT, min=0, max=12, unit="月"),
        Field("ncms", "参加新农合", BOOL, help="参加新型农村合作医疗"),
        Field("pension_insured", "参加新农保", BOOL, help="参加新型农村社会养老保险"),
        Field("phone", "联系电话", PHONE, live=True),
        # Members over time (docs/domain.md): leaving never deletes the member.
        Field(
            "joined_date", "加入日期", DATE, help="出生、娶入、迁入等加入本户的日期；原有成员不填"
        ),
        Field("join_reason", "加入原因", ENUM, choices=C.JOIN_REASONS),
        Field("left_date", "离开日期", DATE, help="死亡、嫁出、迁出等离开本户的日期"),
        Field("left_reason", "离开原因", ENUM, choices=C.LEAVE_REASONS),
    ),
)

FINANCE = Form(
    "finance",
    "年度收支",
    record_label="year",
    fields=(
        Field("household_id", "户", REF, required=True, ref_entity="household"),
        Field("year", "年度", YEAR, required=True),
        Field("wage_income", "工资性收入", MONEY, unit="元"),
        Field("operating_income", "生产经营性收入", MONEY, unit="元"),
        Field("operating_cost", "生产经营性支出", MONEY, unit="元"),
        Field("property_income", "财产性收入", MONEY, unit="元"),
        Field("transfer_income", "转移性收入", MONEY, unit="元", help="低保金、养老金、各类补贴等"),
        Field("consumption_expenditure", "生活消费支出", MONEY, unit="元"),
    ),
)

VISIT = Form(
    "visit",
    "入户走访",
    record_label="date",
    fields=(
        Field("household_id", "户", REF, required=True, ref_entity="household"),
        Field("cadre_id", "走访干部", REF, ref_entity="cadre"),
        Field("date", "走访日期", DATE, required=True),
        Field("purpose", "走访目的", TEXT, max_length=200),
        Field("findings", "走访发现", TEXT, max_length=4000),
        Field("note", "备注", TEXT, max_length=4000),
        Field("follow_up", "后续跟进", TEXT, max_length=1000),
    ),
)

MEASURE = Form(
    "measure",
    "帮扶措施",
    record_label="description",
    fields=(
        Field("village_id", "村", REF, required=True, ref_entity="village"),
        Field("household_id", "户", REF, ref_entity="household", help="村级措施不填"),
        Field("level", "层级", ENUM, required=True, choices=C.MEASURE_LEVELS),
        Field("category", "措施类别", ENUM, required=True, choices=C.MEASURE_CATEGORIES),
        Field("cause", "针对致贫原因", ENUM, choices=C.POVERTY_CAUSES),
        Field("criterion_no", "针对脱贫指标", INT, min=1, max=17, help="户：1–12 项；村：1–17 项"),
        Field("description", "措施内容", TEXT, required=True, max_length=500),
        Field("quantity", "数量", NUMBER),
        Field("unit", "单位", TEXT, max_length=10),
        Field("money", "资金", MONEY, unit="元"),
        Field("fund_source", "资金来源", ENUM, choices=C.FUND_SOURCES),
        Field("cadre_id", "责任人", REF, ref_entity="cadre"),
        Field("planned_date", "计划完成日期", DATE),
        Field("status", "进度", ENUM, required=True, choices=C.MEASURE_STATUSES),
        Field("done_date", "完成日期", DATE),
    ),
)

STATUS_CHANGE = Form(
    "status_change",
    "状态变更",
    record_label="status",
    fields=(
        Field("household_id", "户", REF, required=True, ref_entity="household"),
        Field(
            "status",
            "新状态",
            ENUM,
            required=True,
            choices=C.HOUSEHOLD_STATUSES,
            aliases=tuple(C.OLD_STATUS_WORDS.items()),
        ),
        Field("date", "变更日期", DATE, required=True),
        Field("year", "所属年度", YEAR),
        Field("reason", "原因", TEXT, max_length=500),
        Field(
            "confirmed_unmet",
            "指标未全部达标仍确认",
            BOOL,
            help="标记已脱贫时仍有未达标指标，经确认后记录",
        ),
    ),
)

# 年度数据封存: a year closed for a village freezes every household's criteria inputs and
# verdicts of that year (FROZEN_YEAR); a reopen needs a reason, and both travel by sync.
YEAR_CLOSURE = Form(
    "year_closure",
    "年度封存",
    record_label="year",
    fields=(
        Field("village_id", "村", REF, required=True, ref_entity="village"),
        Field("year", "年度", YEAR, required=True),
        Field("closed", "已封存", BOOL, required=True),
        Field("closed_at", "封存时间", TEXT),
        Field("closed_by", "封存人", TEXT, max_length=60),
        Field("by_county", "县级封存", BOOL, help="县扶贫办封存的年度只能由县里重新开启"),
        Field("reopened_at", "重新开启时间", TEXT),
        Field("reopened_by", "重新开启人", TEXT, max_length=60),
        Field("reopen_reason", "重新开启原因", TEXT, max_length=500),
    ),
)

FROZEN_YEAR = Form(
    "frozen_year",
    "封存数据",
    record_label="year",
    fields=(
        Field("household_id", "户", REF, required=True, ref_entity="household"),
        Field("year", "年度", YEAR, required=True),
        Field("closed_at", "封存时间", TEXT),
        Field("inputs", "封存的指标数据", TEXT, help="JSON：当年的户、成员、收支、状态历史"),
        Field("verdicts", "封存的判定", TEXT, help="JSON：12项指标的判定与理由"),
    ),
)

# 有进有出、动态管理 (forms.procedures): each step of a household's identification, exit, return or
# removal, with its date, document and note; the procedure's state is read from its steps.
PROCEDURE_STEP = Form(
    "procedure_step",
    "程序步骤",
    record_label="step",
    fields=(
        Field("household_id", "户", REF, required=True, ref_entity="household"),
        Field("procedure_id", "程序编号", TEXT, required=True, max_length=60),
        Field("kind", "程序", ENUM, required=True, choices=PROCEDURE_KINDS),
        Field("year", "所属年度", YEAR, required=True),
        Field("seq", "步骤序号", INT, required=True, min=1, max=999),
        Field("step", "步骤", ENUM, required=True, choices=PROCEDURE_STEPS),
        Field("date", "日期", DATE, required=True),
        Field("days", "公示天数", INT, min=1, max=90, unit="天"),
        Field("document", "文书/文号", TEXT, max_length=200, help="如评议会议记录、公示文号"),
        Field("note", "说明", TEXT, max_length=1000),
        Field(
            "reason", "原因", TEXT, max_length=500, help="清退、异议成立、终止，或指标未达标仍继续"
        ),
        Field("recorded_by", "登记人", TEXT, max_length=60),
        Field("unmet", "未达标指标", TEXT, help="JSON：登记时未达标或无法判定的指标序号"),
        Field("inputs", "核查时的指标数据", TEXT, help="冻结的户、成员、收支、状态历史"),
        Field("verdicts", "核查时的判定", TEXT, help="JSON：12项指标的判定"),
    ),
)

# 年度减贫任务明确到村、户及人口: how many households and people of a village are to exit in a
# year. The county sets the task and sends it by sync; the team may propose its own figures.
EXIT_PLAN = Form(
    "exit_plan",
    "年度减贫计划",
    record_label="year",
    fields=(
        Field("village_id", "村", REF, required=True, ref_entity="village"),
        Field("year", "年度", YEAR, required=True),
        Field("households", "计划脱贫户数", INT, min=0, max=100000, unit="户"),
        Field("people", "计划脱贫人数", INT, min=0, max=1000000, unit="人"),
        Field("set_by", "下达人", TEXT, max_length=60),
        Field("proposed_households", "工作队建议户数", INT, min=0, max=100000, unit="户"),
        Field("proposed_people", "工作队建议人数", INT, min=0, max=1000000, unit="人"),
        Field("proposed_by", "建议人", TEXT, max_length=60),
        Field("note", "说明", TEXT, max_length=500),
    ),
)

POLICY = Form(
    "policy",
    "年度政策参数",
    record_label="year",
    fields=(
        Field("year", "年度", YEAR, required=True),
        Field("poverty_line", "国家扶贫标准", MONEY, unit="元/人·年", required=True),
        Field("province_avg_income", "全省农村居民人均可支配收入", MONEY, unit="元"),
        Field(
            "province_income_growth_pct",
            "全省农村居民人均可支配收入增幅",
            NUMBER,
            unit="%",
            min=-100,
            max=100,
        ),
        Field("dibao_class1_amount", "低保一类补助标准", MONEY, unit="元/人·年"),
        Field("dibao_class2_amount", "低保二类补助标准", MONEY, unit="元/人·年"),
        # The seed's 政策性脱贫 / 救助式扶贫 path (forms.criteria.household, ⑴ and ⑹).
        Field(
            "safety_net_path",
            "兜底保障户政策性脱贫",
            BOOL,
            help="无劳动力的低保、特困供养户：第6项不适用，低保收入达标即第1项达标",
        ),
        Field(
            "safety_net_line", "政策性脱贫标准", MONEY, unit="元/人·年", help="如低保二类 2808 元"
        ),
        Field(
            "growth_base_year",
            "收入增幅基期年度",
            YEAR,
            help="县⑴“年均增幅”自此年度起算，默认 2014",
        ),
        # 年度数据封存: the county closes a year, or lets the teams close it for their villages.
        Field(
            "teams_may_close",
            "允许工作队封存本年度",
            BOOL,
            help="是：工作队可在本村电脑上封存本村该年度；否：只由县扶贫办封存",
        ),
    ),
)

FORMS = {
    f.entity: f
    for f in (
        VILLAGE,
        GROUP,
        CADRE,
        HOUSEHOLD,
        MEMBER,
        FINANCE,
        VISIT,
        MEASURE,
        STATUS_CHANGE,
        YEAR_CLOSURE,
        FROZEN_YEAR,
        PROCEDURE_STEP,
        EXIT_PLAN,
        POLICY,
    )
}
