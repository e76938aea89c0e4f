"""Vietnamese text utilities: stripping, syllable checks, tokenizing, folding, tone placement."""

import unicodedata

import pytest

from matcher.text.vietnamese import (
    fold,
    has_diacritics,
    is_syllable,
    looks_unaccented,
    normalize_tones,
    strip_diacritics,
    tokenize,
)


def test_strip_diacritics_keeps_case_punctuation_and_turns_d_bar_into_d():
    text = "Đường Hòa Bình, XỬ LÝ nước thải!"
    assert strip_diacritics(text) == "Duong Hoa Binh, XU LY nuoc thai!"


def test_strip_diacritics_accepts_decomposed_input():
    assert strip_diacritics(unicodedata.normalize("NFD", "Việt Nam đổi mới")) == "Viet Nam doi moi"


def test_has_diacritics_sees_tones_vowel_marks_and_d_bar():
    assert [has_diacritics(t) for t in ("nuoc thai", "nước", "ơ", "đ", "CO2 PLC")] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert has_diacritics(unicodedata.normalize("NFD", "ê"))


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("nghieng", True),
        ("nghiêng", True),
        ("quyet", True),
        ("gi", True),
        ("khuyu", True),
        ("ngh", False),
        ("ka", False),  # k only before e, i, y
        ("ce", False),  # c never before e, i, y
        ("ngi", False),
        ("PLC", False),
        ("water", False),
        ("co2", False),
    ],
)
def test_is_syllable(token, expected):
    assert is_syllable(token) is expected


def test_looks_unaccented_accepts_vietnamese_typed_without_marks():
    assert looks_unaccented("xu ly nuoc thai chan nuoi lon")
    assert looks_unaccented("can he thong PLC va cam bien CO2 cho day chuyen")
    assert looks_unaccented("dung drone phun thuoc cho lua")


def test_looks_unaccented_rejects_accented_vietnamese_english_and_empty_text():
    assert not looks_unaccented("xử lý nước thải chăn nuôi lợn")
    assert not looks_unaccented("xu ly nuoc thải")
    assert not looks_unaccented("Wastewater treatment for pig farms with biogas recovery")
    assert not looks_unaccented("")
    assert not looks_unaccented("150 m3 CO2")


def test_tokenize_lowercases_keeps_digits_and_drops_punctuation():
    assert tokenize("Xử lý 150 m3/ngày, CO2!") == ["xử", "lý", "150", "m3", "ngày", "co2"]
    assert tokenize(unicodedata.normalize("NFD", "Việt")) == ["việt"]


def test_fold_is_the_same_with_and_without_diacritics():
    assert fold("Xử lý, NƯỚC thải!") == "xu ly nuoc thai"
    assert fold("xu  ly nuoc-thai") == fold("xử lý nước thải")


def test_normalize_tones_moves_marks_to_the_traditional_place_and_keeps_case():
    assert normalize_tones("hoà thuỷ khoẻ, Hoà HOÀ") == "hòa thủy khỏe, Hòa HÒA"
    assert normalize_tones("hòan") == "hoàn"  # a closed syllable carries it on the last vowel


def test_normalize_tones_leaves_well_placed_syllables_alone():
    text = "hoàn quý giữa gìn người ngoài khuỷu tuổi quyết thuở"
    assert normalize_tones(text) == text
    assert normalize_tones(unicodedata.normalize("NFD", text)) == text
