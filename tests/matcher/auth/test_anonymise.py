"""Anonymised text carries no trace of the enterprise: names with or without diacritics and
legal-form words, tax codes in any spacing, e-mails and phone numbers; other numbers stay."""

import unicodedata
from datetime import datetime

import pytest
from sqlalchemy import inspect

from matcher.auth.anonymise import Scrubber, fold
from matcher.models import Enterprise, NeedPublic
from matcher.models.enums import Confidentiality
from matcher.search.matches import Breakdown, MatchList, QueryInfo, Suggestion

NAME = "Công ty TNHH Nông sản Lục Ngạn"
TAX_CODE = "2400123456"
ORG = "[doanh nghiệp]"
MST = "[mã số thuế]"
PHONE = "[số điện thoại]"


@pytest.fixture
def scrub() -> Scrubber:
    return Scrubber([NAME], [TAX_CODE])


@pytest.mark.parametrize("text", [
    "Công ty TNHH Nông sản Lục Ngạn cần máy sấy vải",
    "CÔNG TY TNHH NÔNG SẢN LỤC NGẠN cần máy sấy vải",
    "cong ty tnhh nong san luc ngan cần máy sấy vải",
    "Cong ty TNHH Nong san Luc Ngan cần máy sấy vải",
    "Công ty  TNHH\nNông sản\tLục   Ngạn cần máy sấy vải",
    "Công ty TNHH Nông san Luc Ngạn cần máy sấy vải",  # partly accented
    unicodedata.normalize("NFD", "Công ty TNHH Nông sản Lục Ngạn cần máy sấy vải"),
])
def test_full_name_is_removed_however_typed(scrub: Scrubber, text: str):
    assert scrub.text(text) == f"{ORG} cần máy sấy vải"


@pytest.mark.parametrize("text", [
    "Nông sản Lục Ngạn cần máy sấy vải",
    "nông sản lục ngạn cần máy sấy vải",
    "Nong san Luc Ngan cần máy sấy vải",
    "Cty Nông sản Lục Ngạn cần máy sấy vải",
    "Cty CP nong san luc ngan cần máy sấy vải",
    "Nông sản Lục Ngạn Co., Ltd cần máy sấy vải",
])
def test_name_without_legal_form_words_is_removed(scrub: Scrubber, text: str):
    assert scrub.text(text) == f"{ORG} cần máy sấy vải"


def test_words_after_the_name_are_kept(scrub: Scrubber):
    assert scrub.text("Nông sản Lục Ngạn có 35 lao động") == f"{ORG} có 35 lao động"
    assert scrub.text("Nong san Luc Ngan co 35 lao dong") == f"{ORG} co 35 lao dong"


def test_name_given_without_diacritics_matches_text_with_them():
    scrub = Scrubber(["Cong ty TNHH Dai Dong"])
    assert scrub.text("Đại Đồng đã thử lò sấy") == f"{ORG} đã thử lò sấy"
    assert scrub.text("ĐẠI ĐỒNG") == ORG


def test_every_given_name_is_removed():
    scrub = Scrubber(["Công ty Cổ phần Linh kiện Điện tử Vân Trung", "Van Trung Electronics JSC"])
    text = "Vân Trung Electronics JSC (Linh kiện Điện tử Vân Trung) cần AOI"
    assert scrub.text(text) == f"{ORG} ({ORG}) cần AOI"


def test_cơ_khí_in_a_name_is_no_legal_form():
    scrub = Scrubber(["Công ty TNHH Cơ khí Chính xác Hà Nội"])
    assert scrub.text("Co khi Chinh xac Ha Noi cần máy CNC") == f"{ORG} cần máy CNC"
    assert scrub.text("Xưởng chính xác Hà Nội") == "Xưởng chính xác Hà Nội"


def test_a_one_word_core_is_not_removed_on_its_own():
    scrub = Scrubber(["Công ty TNHH Hưng"])
    assert scrub.text("Công ty TNHH Hưng ở Hưng Yên") == f"{ORG} ở Hưng Yên"


@pytest.mark.parametrize("text", [
    "Vinafoodtech", "VINAFOODTECH", "vinafoodtech", "Công ty Vinafoodtech", "CTCP Vinafoodtech",
    "Công ty Cổ phần Vinafoodtech", "Cong ty co phan Vinafoodtech", "Vinafoodtech JSC",
    "Cty CP Thương mại Vinafoodtech", "Vinafoodtech Co.,Ltd",
])
def test_a_distinctive_one_word_core_is_removed_with_any_legal_form(text: str):
    scrub = Scrubber(["Công ty CP Vinafoodtech"])
    assert scrub.text(f"{text} cần máy sấy") == f"{ORG} cần máy sấy"


@pytest.mark.parametrize(("name", "brand"), [("Công ty TNHH Hanbit", "Hanbit"),
                                             ("Công ty Cổ phần Vinamilk", "Vinamilk"),
                                             ("Công ty TNHH Thương mại Hanbit", "Hanbit")])
def test_brands_are_removed_on_their_own(name: str, brand: str):
    assert Scrubber([name]).text(f"Mẫu của {brand}.") == f"Mẫu của {ORG}."


def test_a_one_word_core_that_is_an_ordinary_syllable_is_kept():
    scrub = Scrubber(["Công ty TNHH Phương", "Công ty TNHH Email"])
    text = "Phương pháp sấy ở địa phương, gửi qua email"
    assert scrub.text(text) is text
    assert scrub.text("Công ty TNHH Phương [email]") == f"{ORG} [email]"


@pytest.mark.parametrize("text", [
    "Hải Đăng Phát", "hai dang phat", "Hai Dang Phat Co., Ltd", "Cơ-khí Hải-Đăng-Phát",
    "Hải-Đăng-Phát", "Hai_Dang_Phat", "Hai.Dang.Phat", "Công ty TM Hải Đăng Phát",
    "Công ty TNHH Cơ khí Hải Đăng Phát",
])
def test_name_without_its_industry_words_is_removed(text: str):
    scrub = Scrubber(["Công ty TNHH Cơ khí Hải Đăng Phát"])
    assert scrub.text(f"{text} cần máy CNC") == f"{ORG} cần máy CNC"


def test_words_of_a_full_name_may_be_joined_by_hyphens(scrub: Scrubber):
    assert scrub.text("Nông-sản Lục-Ngạn cần máy sấy vải") == f"{ORG} cần máy sấy vải"


def test_a_name_without_industry_words_is_kept_when_only_a_place_is_left():
    scrub = Scrubber(["Công ty TNHH Đầu tư Phát triển Việt Nam"])
    text = "Ngành sấy ở Việt Nam"
    assert scrub.text(text) is text
    assert scrub.text("Đầu tư Phát triển Việt Nam cần") == f"{ORG} cần"


def test_name_inside_a_longer_word_is_kept(scrub: Scrubber):
    text = "Nông sản Lục Ngạnh"
    assert scrub.text(text) is text


@pytest.mark.parametrize("code", ["2400123456", "2400 123 456", "24-00123456", "2400.123.456",
                                  "2400123456-001", "2400123456 - 002", "2400123456003"])
def test_given_tax_code_is_removed_in_any_spacing(scrub: Scrubber, code: str):
    assert scrub.text(f"hồ sơ {code}, 2025") == f"hồ sơ {MST}, 2025"


def test_tax_code_given_with_separators_is_matched_bare_but_not_inside_longer_numbers():
    scrub = Scrubber([], ["2400 123 456"])
    assert scrub.text("số 2400123456.") == f"số {MST}."
    assert scrub.text("mst2400123456") == f"mst{MST}"
    assert scrub.text("tài khoản 124001234567") == "tài khoản 124001234567"


@pytest.mark.parametrize(("text", "expected"), [
    ("MST: 0100109106", f"MST: {MST}"),
    ("MST 0100 109 106-001 cấp 2010", f"MST {MST} cấp 2010"),
    ("Mã số thuế: 0100.109.106", f"Mã số thuế: {MST}"),
    ("ma so thue 0100109106", f"ma so thue {MST}"),
    ("mã số thuế là 0100109106", f"mã số thuế là {MST}"),
    ("Tax code: 0100109106001", f"Tax code: {MST}"),
])
def test_any_labelled_tax_code_is_removed(text: str, expected: str):
    assert Scrubber([]).text(text) == expected


@pytest.mark.parametrize("code", ["2409/998/888", "2409_998_888", "2409, 998, 888",
                                  "2409 / 998 / 888", "2409\u200b998\u200b888",
                                  "2409\u2060998\ufeff888", "2409\u200c998\u200d888",
                                  "２４０９９９８８８８", "2409998888/001"])
def test_tax_code_is_removed_with_any_separator_or_digit_form(code: str):
    scrub = Scrubber([], ["2409998888"])
    assert scrub.text(f"hồ sơ {code} nộp") == f"hồ sơ {MST} nộp"


def test_labelled_tax_code_split_by_zero_width_spaces_is_removed():
    assert Scrubber([]).text("MST 2409\u200b998\u200b888") == f"MST {MST}"


def test_a_number_after_a_tax_code_and_a_comma_is_no_branch(scrub: Scrubber):
    assert scrub.text("MST 2400123456, 200 lao động") == f"MST {MST}, 200 lao động"


def test_fold_maps_any_decimal_digit_to_ascii():
    assert fold("０９１２ ٣٤٥ 678") == "0912 345 678"


@pytest.mark.parametrize("email", ["nongsanlucngan@example.com", "ban.kt+mua@nong-san.com.vn",
                                   "Lien.He@Example.VN"])
def test_emails_are_removed(scrub: Scrubber, email: str):
    assert scrub.text(f"Liên hệ: {email}.") == "Liên hệ: [email]."


@pytest.mark.parametrize("phone", ["+84 912 345 678", "+84912345678", "0084 912 345 678",
                                   "(+84) 912 345 678", "+84 (0) 912 345 678", "0912345678",
                                   "0912.345.678", "0912-345-678", "0912 345 678",
                                   "(024) 3823 4567", "024 3823 4567", "02438234567",
                                   "0204 3545 129", "+84 24 3823 4567", "84 912 345 678",
                                   "84-912-345-678", "0912  345  678", "0912 - 345 - 678",
                                   "0912/345/678", "0912_345_678", "0912\u200b345\u200b678",
                                   "+84\u2060912 345 678", "０９１２３４５６７８"])
def test_phone_numbers_are_removed(scrub: Scrubber, phone: str):
    assert scrub.text(f"Gọi {phone} giờ hành chính") == f"Gọi {PHONE} giờ hành chính"


@pytest.mark.parametrize("text", [
    "Ngân sách 2.000.000.000 đồng, tối đa 2 tỷ",
    "Ngân sách 1500000000 đồng",
    "Triển khai năm 2025, hoàn thành 31/12/2025 hoặc 01/02/2026 (2026-02-01)",
    "Sấy ở 45–55 °C, diện tích 0,5 ha, độ ẩm 0.5, TRL 8, hao hụt 10–15%",
    "Số 84912345678 không có tiền tố",
    "Mã sản phẩm 091234",
    "Hết hạn 31/12/2025, giấy chứng nhận số 12/2024/GCN-SKHCN",
    "Kinh phí 1.250.000.000 ₫, vốn 84 500 000 000 đồng",
    "Các mức 1, 2, 3 và 0, 5, 10, 15, 20, 25",
    "Họp 01.02.2026 10 giờ, nghiệm thu 01-12-2025 12 giờ, giao 05/12/2025 10 ngày",
    "",
])
def test_ordinary_numbers_are_left_alone(scrub: Scrubber, text: str):
    assert scrub.text(text) is text


def test_blank_names_and_codes_are_ignored():
    scrub = Scrubber(["", "   "], ["", " "])
    text = "Máy sấy vải thiều công suất 2 tấn/mẻ"
    assert scrub.text(text) is text


def test_scrubbing_twice_is_scrubbing_once(scrub: Scrubber):
    text = (f"{NAME} (MST {TAX_CODE}, ĐT 0912 345 678, nongsan@example.com): Nong san Luc Ngan "
            "cần sấy 2 tấn vải ở 45–55 °C, ngân sách 2.000.000.000 đồng.")
    once = scrub.text(text)
    assert once == (f"{ORG} (MST {MST}, ĐT {PHONE}, [email]): {ORG} cần sấy 2 tấn vải ở "
                    "45–55 °C, ngân sách 2.000.000.000 đồng.")
    assert scrub.text(once) == once


def test_scrubbing_the_new_forms_twice_is_scrubbing_once():
    scrub = Scrubber(["Công ty CP Cơ khí Vinafoodtech"], ["2409998888"])
    text = ("CTCP Vinafoodtech (MST 2409/998/888, ĐT 84 912 345 678, ０９１３ ４５６ ７８９) giao "
            "ngày 31/12/2025, kinh phí 1.250.000.000 ₫")
    once = scrub.text(text)
    assert once == (f"{ORG} (MST {MST}, ĐT {PHONE}, {PHONE}) giao ngày 31/12/2025, kinh phí "
                    "1.250.000.000 ₫")
    assert scrub.text(once) is once


def test_deep_scrubs_every_string_of_nested_data(scrub: Scrubber):
    value = {"title": "Nong san Luc Ngan", "tags": ["0912345678", ("a@b.vn", 3)],
             "nested": {"n": None, "level": Confidentiality.public, "mst": "2400123456"}}
    assert scrub.deep(value) == {"title": ORG, "tags": [PHONE, ("[email]", 3)],
                                 "nested": {"n": None, "level": Confidentiality.public,
                                            "mst": MST}}
    assert value["title"] == "Nong san Luc Ngan"  # a copy; the original is kept
    assert scrub.deep(value)["nested"]["level"] is Confidentiality.public


def test_deep_keeps_the_model_type(scrub: Scrubber):
    when = datetime(2025, 1, 1)
    need = NeedPublic(id=1, enterprise_id=7, title="Máy sấy cho Nông sản Lục Ngạn",
                      problem="Gọi 0912.345.678, MST 2400123456", created_at=when,
                      updated_at=when, valid_until=when.date())
    shown = scrub.deep(need)
    assert type(shown) is NeedPublic
    assert (shown.title, shown.problem) == (f"Máy sấy cho {ORG}", f"Gọi {PHONE}, MST {MST}")
    assert (shown.id, shown.enterprise_id, shown.created_at) == (1, 7, when)
    assert (shown.valid_until, shown.expired) == (when.date(), True)
    assert need.title == "Máy sấy cho Nông sản Lục Ngạn"


def test_deep_reaches_models_nested_in_models(scrub: Scrubber):
    matches = MatchList(
        query=QueryInfo(text="nong san luc ngan can say vai", language="vi",
                        translated_terms=["sấy → drying"]),
        confident=True, confidence=0.9, count=1,
        data=[Suggestion(id=3, kind="dossier", title="Heat pump", score=0.8,
                         breakdown=Breakdown(semantic=1, cosine=None, lexical=0.5, sector=1,
                                             feasibility=1),
                         explanation="Nông sản Lục Ngạn has 2 engineers")])
    shown = scrub.deep(matches)
    assert type(shown) is MatchList and type(shown.data[0]) is Suggestion
    assert shown.query.text == f"{ORG} can say vai"
    assert shown.data[0].explanation == f"{ORG} has 2 engineers"
    assert shown.data[0].breakdown == matches.data[0].breakdown


def test_deep_copies_a_table_row_into_a_new_unsaved_row(scrub: Scrubber):
    row = Enterprise(id=5, tax_code=TAX_CODE, name=NAME, province="Bắc Giang", jurisdiction="BG",
                     contact_email="nongsan@example.com", contact_phone="0912 345 678")
    shown = scrub.deep(row)
    assert type(shown) is Enterprise and shown.id == 5
    assert (shown.name, shown.tax_code, shown.contact_email, shown.contact_phone) == (
        ORG, MST, "[email]", PHONE)
    assert inspect(shown) is not inspect(row) and inspect(shown).transient
    assert row.name == NAME


def test_walk_applies_any_function_to_every_string():
    assert Scrubber.walk({"a": ["x", ("y", 1)]}, str.upper) == {"a": ["X", ("Y", 1)]}


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("Công ty TNHH Phần mềm Xương Giang", "Gặp Xương Giang; XUONG GIANG Software",
     "Gặp [doanh nghiệp]; [doanh nghiệp] Software"),
    ("Công ty Cổ phần Linh kiện Điện tử Vân Trung", "Van Trung gửi mẫu",
     "[doanh nghiệp] gửi mẫu"),
    ("Công ty TNHH Đóng tàu Thủy Nguyên", "Thủy Nguyên shipyard", "[doanh nghiệp] shipyard"),
])
def test_the_distinctive_core_after_trade_words_is_removed(name, text, expected):
    """Trade words that open a name ("Phần mềm", "Linh kiện Điện tử", "Đóng tàu") are not
    part of what identifies the enterprise: its core alone is removed too (attack probe)."""
    assert Scrubber([name]).text(text) == expected


def test_a_core_that_is_only_a_place_is_not_removed_alone():
    scrub = Scrubber(["Công ty CP Thiết bị Điện Bắc Giang"])
    assert scrub.text("máy ở Bắc Giang; Thiết bị Điện Bắc Giang") == (
        "máy ở Bắc Giang; [doanh nghiệp]")
