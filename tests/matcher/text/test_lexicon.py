"""The bilingual lexicon: reading, validation, diacritic-insensitive longest match."""

from pathlib import Path

import pytest

from matcher.platform.config import REPO_ROOT
from matcher.text.lexicon import Entry, Lexicon, LexiconError, read_entries, validate

HEADER = "vi\ten\tsector\tkind\n"


def _write(tmp_path: Path, body: str, name: str = "x.tsv") -> Path:
    (tmp_path / name).write_text(HEADER + body, encoding="utf-8")
    return tmp_path


@pytest.fixture
def lexicon(tmp_path: Path) -> Lexicon:
    return Lexicon.load(_write(tmp_path, (
        "nước thải\twastewater\tenvironment\tpollutant\n"
        "nước thải chăn nuôi\tlivestock wastewater | swine wastewater\tenvironment\tpollutant\n"
        "chăn nuôi\tlivestock farming\tagriculture\tprocess\n"
        "lợn\tpig | swine\tagriculture\tlivestock\n"
        "lọn\tcurl\tgeneral\tother\n"
    )))


def test_longest_phrase_wins(lexicon: Lexicon):
    found = lexicon.translate("Xử lý nước thải chăn nuôi lợn")
    assert [t.vi for t in found] == ["nước thải chăn nuôi", "lợn"]
    assert found[0].en == ("livestock wastewater", "swine wastewater")


def test_lookup_works_without_diacritics(lexicon: Lexicon):
    assert [t.vi for t in lexicon.translate("xu ly nuoc thai chan nuoi")] == ["nước thải chăn nuôi"]


def test_exact_accents_choose_between_homographs(lexicon: Lexicon):
    assert lexicon.translate("lọn")[0].en == ("curl",)
    assert lexicon.translate("lợn")[0].en == ("pig", "swine")


def test_reverse_lookup_finds_vietnamese_terms(lexicon: Lexicon):
    assert set(lexicon.vietnamese_terms("Anaerobic digestion of swine wastewater")) == {
        "nước thải chăn nuôi", "nước thải", "lợn"}


def test_bad_column_count_names_file_and_line(tmp_path: Path):
    _write(tmp_path, "nước thải\twastewater\tenvironment\n", "bad.tsv")
    with pytest.raises(LexiconError, match=r"bad.tsv:2: expected 4 columns, got 3"):
        read_entries(tmp_path)


def test_validate_reports_duplicates_conflicts_and_empty_sides():
    entries = [
        Entry("máy sấy", ("dryer",), "general", "equipment", "a.tsv:2"),
        Entry("máy sấy", ("dryer",), "general", "equipment", "b.tsv:5"),
        Entry("máy sấy", ("oven",), "general", "equipment", "b.tsv:6"),
        Entry("", ("x",), "general", "other", "b.tsv:7"),
    ]
    assert validate(entries) == [
        "b.tsv:5: duplicate of a.tsv:2 ('máy sấy')",
        "b.tsv:6: 'máy sấy' conflicts with a.tsv:2 (oven vs dryer)",
        "b.tsv:7: empty side",
    ]


def test_shipped_lexicon_is_large_and_valid():
    entries = read_entries(REPO_ROOT / "seed_data" / "lexicon")
    assert len(entries) >= 3000
    problems = validate(entries)
    duplicates = [p for p in problems if "duplicate" in p or "empty side" in p]
    assert duplicates == []


def test_accented_text_matches_only_its_own_spelling(tmp_path: Path):
    lexicon = Lexicon.load(_write(tmp_path, (
        "đất yếu\tsoft soil\tconstruction\tmaterial\n"
        "yêu cầu\trequirement\tgeneral\tother\n"
        "điện\telectricity\tenergy\tother\n"
    )))
    # "đạt yêu cầu" (meets the requirements) folds to "dat yeu cau" like "đất yếu" does
    assert [t.vi for t in lexicon.translate("sản phẩm đạt yêu cầu")] == ["yêu cầu"]
    assert lexicon.translate("biểu diễn") == []
    # typed without diacritics, any spelling fits; a syllable typed bare inside accented text too
    assert [t.vi for t in lexicon.translate("nen dat yeu")] == ["đất yếu"]
    assert [t.vi for t in lexicon.translate("nền dat yếu")] == ["đất yếu"]


def test_tone_mark_placement_does_not_matter(tmp_path: Path):
    lexicon = Lexicon.load(_write(tmp_path, "hòa lưới\tgrid connection\tenergy\tprocess\n"))
    assert [t.vi for t in lexicon.translate("hoà lưới điện")] == ["hòa lưới"]
