"""户卡/明白卡: one page per household with its members, criteria, income, measures and cadre."""

from pypdf import PdfReader

from reports import labels as L
from reports.card import render_cards
from reports.common import listed_households
from reports.privacy import mask_id

from .conftest import ID18, assert_cjk_pdf, flat, pages_text


def test_one_card_per_household_each_on_its_own_page(tmp_path, sample):
    pdf = render_cards(sample, tmp_path / "c.pdf")
    households = listed_households(sample)
    pages = [flat(t) for t in pages_text(pdf)]
    assert len(pages) == len(households) > 20
    assert_cjk_pdf(pdf, "精准扶贫明白卡")
    for page, h in zip(pages, households):
        assert h.household_no in page and h.head_name in page and h.cadre_name in page
        for m in h.members:
            assert m.name in page and mask_id(m.id_number) in page
        assert all(L.HOUSEHOLD_CRITERIA[n] in page for n in range(1, 13))
        for c in h.unmet:
            assert "；".join(c.reasons)[:20] in page
        income = h.finance.income_per_capita(h.people)
        assert f"人均可支配收入：{L.money(income)}元" in page
        for m in sample.measures_of(h.household_no):
            assert L.clip(m.description, 120)[:15] in page
    assert not any(ID18.search(p) for p in pages)


def test_a_big_household_with_long_names_still_fits_one_page(tmp_path, sample):
    h = sample.households[2]
    h.members = h.members * 6
    for i, m in enumerate(h.members):
        m.name = f"{m.name}{'长' * 26}{i:02d}"
    pdf = render_cards(sample, tmp_path / "c.pdf", household_nos=[h.household_no])
    assert len(PdfReader(str(pdf)).pages) == 1
    assert h.members[-1].name in flat(pages_text(pdf)[0])


def test_selected_households_in_the_given_order_and_unmasked_for_the_team(tmp_path, sample):
    a, b = sample.households[5], sample.households[3]
    pdf = render_cards(
        sample,
        tmp_path / "c.pdf",
        household_nos=[a.household_no, "无此户", b.household_no],
        mask_ids=False,
    )
    pages = [flat(t) for t in pages_text(pdf)]
    assert len(pages) == 2
    assert a.head_name in pages[0] and b.head_name in pages[1]
    assert a.members[0].id_number in pages[0]
