"""公示/公告: who is listed, the posting period, whom to object to, seals — and privacy."""

import datetime as dt

import pytest

from reports.notice import KINDS, notice_households, render_notice
from reports.privacy import mask_id, public_member_fields, scrub_ids

from .conftest import ID18, all_text, assert_cjk_pdf, flat

HEALTH_WORDS = ("长期慢性病", "患有大病", "残疾", "健康状况")


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_lists_its_households_with_period_contact_and_seals(tmp_path, sample, kind):
    listed = notice_households(sample, kind)
    assert listed, f"the sample has no {kind} household"
    k = KINDS[kind]
    pdf = render_notice(sample, tmp_path / f"{kind}.pdf", kind)
    people = sum(h.people for h in listed)
    text = assert_cjk_pdf(
        pdf,
        f"石门村2017年{k.noun}{k.word}",
        f"{len(listed)}户{people}人",
        f"{k.word}期：2017年12月10日至2017年12月16日（共7天）",
        "联系人：魏振华（队长）",
        "联系电话：13909320101",
        "村委会（盖章）",
        "驻村帮扶工作队（盖章）",
        "日期：2017年12月10日",
        *[h.head_name for h in listed],
    )
    for h in listed:
        for m in h.members:
            assert mask_id(m.id_number) in text


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_id_number_and_no_health_detail_is_posted(tmp_path, sample, kind):
    listed = notice_households(sample, kind)
    # Given an ID number quoted in a reason and in a member's name field
    full_id = listed[0].members[0].id_number
    listed[0].status_reason = f"经核实（身份证号{full_id}）符合条件"
    listed[0].members[-1].name += " " + listed[0].members[-1].id_number
    raw = all_text(render_notice(sample, tmp_path / "n.pdf", kind))
    for text in (raw, flat(raw)):
        assert ID18.findall(text) == []
    assert full_id not in flat(raw) and mask_id(full_id) in flat(raw)
    for word in HEALTH_WORDS:
        assert word not in raw


def test_the_sample_really_has_ids_and_health_to_hide(sample):
    members = [m for h in sample.households for m in h.members]
    assert all(ID18.fullmatch(m.id_number) for m in members)
    assert {m.health for m in members} & set(HEALTH_WORDS)


def test_exited_notice_lists_only_this_years_exits(tmp_path, sample):
    old = next(h for h in sample.households if h.status == "已脱贫" and h.exit_year == 2016)
    old.head_name = "去年脱贫户某"
    text = flat(all_text(render_notice(sample, tmp_path / "n.pdf", "exited")))
    assert "去年脱贫户某" not in text
    assert "人均可支配收入：" in text


def test_period_start_length_and_contact_can_be_chosen(tmp_path, sample):
    from reports.model import Cadre

    pdf = render_notice(
        sample,
        tmp_path / "n.pdf",
        "new",
        start=dt.date(2017, 3, 1),
        days=10,
        contact=Cadre("李海燕", role="第一书记", phone="13519320202"),
        supervision_phone="0932-8211234",
    )
    assert_cjk_pdf(
        pdf,
        "公示期：2017年3月1日至2017年3月10日（共10天）",
        "联系人：李海燕（第一书记）",
        "13519320202",
        "县扶贫办监督电话：0932-8211234",
    )


def test_a_notice_with_nobody_to_list_still_reads_as_one(tmp_path, sample):
    sample.households = [h for h in sample.households if h.status != "返贫"]
    assert_cjk_pdf(
        render_notice(sample, tmp_path / "n.pdf", "returned"),
        "石门村2017年返贫户公示",
        "经核查，石门村2017年无返贫户",
        "村委会（盖章）",
    )


def test_unknown_kind_is_refused(tmp_path, sample):
    with pytest.raises(ValueError):
        render_notice(sample, tmp_path / "n.pdf", "withdrawn")
    assert not (tmp_path / "n.pdf").exists()


def test_masking_and_public_fields():
    assert mask_id("62110219570315123X") == "621102********123X"
    assert mask_id("6211021957") == "62" + "*" * 8
    assert mask_id("") == ""
    assert (
        scrub_ids("号码62110219570315123X，电话13909320101")
        == "号码621102********123X，电话13909320101"
    )
    assert public_member_fields(("name", "health", "id_number", "no_such_field")) == (
        "name",
        "id_number",
    )


def test_planned_exit_notice_lists_only_households_meeting_all_12(tmp_path, sample):
    # Given two households planned to exit this year: one meets every criterion, one does not
    # (criterion 1 unmet) — 不得虚报: only the first may be posted as 拟脱贫.
    from reports.batch import ReportOptions, withheld_note
    from reports.model import CriterionResult
    from reports.notice import withheld_households

    planned = [
        h
        for h in sample.households
        if "计划脱贫" in h.labels and h.planned_exit_year in (None, sample.year)
    ]
    ready, short = planned[0], planned[1]
    ready.criteria = [CriterionResult(n, "met") for n in range(1, 13)]
    short.criteria = [CriterionResult(n, "unmet" if n == 1 else "met") for n in range(1, 13)]
    ready.head_name, short.head_name = "达标户某", "未达标户某"
    listed = notice_households(sample, "planned_exit")
    assert ready in listed and short not in listed
    assert short in withheld_households(sample, "planned_exit")
    text = flat(all_text(render_notice(sample, tmp_path / "n.pdf", "planned_exit")))
    assert "达标户某" in text and "未达标户某" not in text
    note = withheld_note("notice", ReportOptions(notice="planned_exit"), sample)
    assert f"{short.household_no} 未达标户某（第1项）" in note
    assert withheld_note("notice", ReportOptions(notice="exited"), sample) is None


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_free_text_reason_stays_off_the_public_notice(tmp_path, sample, kind):
    listed = notice_households(sample, kind)
    listed[0].status_reason = "户主患尿毒症，每周透析"
    text = flat(all_text(render_notice(sample, tmp_path / "n.pdf", kind)))
    assert "尿毒症" not in text and "透析" not in text
    if kind in ("new", "returned"):
        assert listed[0].main_cause in text  # the declared cause is what is posted
