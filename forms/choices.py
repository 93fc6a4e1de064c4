"""The Chinese enum values of the register (docs/domain.md); stored and exchanged as these strings."""

# Household status as the national register keeps it ("有进有出、动态管理", docs/domain.md).
# 新识别 (identified in a year) and 计划脱贫 (a planned exit year) are not states: they are what
# the status history and the plan say, shown as labels (LABEL_NEW, LABEL_PLANNED).
STATUS_POOR = "未脱贫"
STATUS_EXITED = "已脱贫"
STATUS_RETURNED = "返贫"
STATUS_REMOVED = "清退"
HOUSEHOLD_STATUSES = (STATUS_POOR, STATUS_EXITED, STATUS_RETURNED, STATUS_REMOVED)
# An applicant whose identification procedure (forms.procedures) is under way: in the file,
# not yet in the register; its 公告 makes it 未脱贫. Never an entry of the status history.
STATUS_APPLICANT = "待识别"
HOUSEHOLD_FIELD_STATUSES = (*HOUSEHOLD_STATUSES, STATUS_APPLICANT)
# Statuses of a household that is still poor (counted as poor population).
POOR_STATUSES = (STATUS_POOR, STATUS_RETURNED)
LABEL_NEW = "新识别"
LABEL_PLANNED = "计划脱贫"
# Words older files and interchange documents used as a status; each reads as 未脱贫.
OLD_STATUS_WORDS = {LABEL_NEW: STATUS_POOR, LABEL_PLANNED: STATUS_POOR, "贫困户": STATUS_POOR}


def current_status(word):
    """A status word as today's register spells it: an old word read as its state."""
    return OLD_STATUS_WORDS.get(word, word) if type(word) is str else None


# Members over time (docs/domain.md): why a member joined or left the household. Leaving never
# deletes the member.
JOIN_REASONS = ("出生", "娶入/嫁入", "迁入", "收养", "户籍登记", "其他")
LEAVE_REASONS = ("死亡", "嫁出", "迁出", "分户", "参军", "服刑", "其他")

POVERTY_ATTRIBUTES = ("一般贫困户", "低保贫困户", "特困供养(五保)贫困户")
DIBAO_CLASSES = ("一类", "二类", "无")
# 致贫原因: the seed's "因灾、因病、因学、缺土地、缺资金、缺技术等" plus the national register's list.
POVERTY_CAUSES = (
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺水",
    "缺技术",
    "缺劳力",
    "缺资金",
    "交通条件落后",
    "自身发展动力不足",
    "其他",
)

RELATIONS = ("户主", "配偶", "子", "女", "父母", "孙子女", "其他")
SEXES = ("男", "女")
SCHOOL_STATUSES = (
    "学龄前",
    "小学",
    "初中",
    "高中",
    "中职",
    "高职大专",
    "本科及以上",
    "已完成义务教育",
    "辍学",
    "未入学",
    "送教上门",
    "非在校",
)
EDUCATION = ("文盲或半文盲", "小学", "初中", "高中", "中专", "大专及以上")
HEALTH = ("健康", "长期慢性病", "患有大病", "残疾")
LABOR_ABILITIES = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
MIGRANT_WORK = ("乡镇内", "县内", "省内", "省外", "无")
ETHNICITIES = (
    "汉族",
    "回族",
    "藏族",
    "东乡族",
    "土族",
    "撒拉族",
    "保安族",
    "裕固族",
    "蒙古族",
    "其他",
)

TOILETS = ("无", "简易卫生厕所", "卫生厕所")
INCOME_CHANNELS = ("务工", "种植", "养殖", "合作社", "公益岗位", "入股分红", "电商", "其他")
ROAD_TYPES = ("普通泥土路", "砂石路", "水泥路", "沥青路")
FUEL_TYPES = ("柴草", "煤炭", "电", "燃气", "沼气", "其他")

CADRE_ROLES = ("队长", "第一书记", "队员", "帮扶责任人")

MEASURE_LEVELS = ("村", "户")
MEASURE_CATEGORIES = (
    "产业发展",
    "转移就业",
    "技能培训",
    "危房改造",
    "饮水安全",
    "教育资助",
    "医疗救助",
    "社会保障",
    "基础设施",
    "金融扶贫",
    "易地搬迁",
    "电商扶贫",
    "其他",
)
MEASURE_OPEN_STATUSES = ("计划", "实施中")
MEASURE_DONE = "已完成"
MEASURE_CANCELLED = "已取消"
MEASURE_STATUSES = (*MEASURE_OPEN_STATUSES, MEASURE_DONE, MEASURE_CANCELLED)
FUND_SOURCES = (
    "财政专项扶贫资金",
    "行业部门资金",
    "双联单位",
    "金融贷款",
    "社会帮扶",
    "自筹",
    "其他",
)
