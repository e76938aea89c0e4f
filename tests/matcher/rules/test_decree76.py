"""Decree 76/2018 annexes: loading the data, and phrase matching in both languages, with and
without diacritics, on whole words, not in sentences that present an alternative."""

from datetime import date
from pathlib import Path

import pytest

from matcher.models import Dossier
from matcher.models.enums import Severity
from matcher.rules.decree76 import Decree76Rule, load_annexes

TODAY = date(2026, 12, 7)


def _dossier(title: str, summary: str = "", keywords: list[str] | None = None,
             language: str = "en") -> Dossier:
    return Dossier(title=title, summary=summary, keywords=keywords or [], language=language,
                   origin_country="CN", sector_codes=["VN-05"])


def _keys(dossier: Dossier, rule: Decree76Rule | None = None) -> set[tuple[str, str]]:
    return {(f.annex, f.item) for f in (rule or Decree76Rule()).check(dossier, TODAY)}


def test_annex_data_has_items_of_every_annex_in_both_languages():
    items = load_annexes()
    for annex in ("I", "II", "III"):
        of_annex = [i for i in items if i.annex == annex]
        assert len(of_annex) >= 15
        assert all(i.wording_vi and i.wording_en and i.phrases for i in of_annex)
    assert len({(i.annex, i.item) for i in items}) == len(items)


def test_prohibited_item_matches_english_text():
    found = Decree76Rule().check(_dossier("Vertical shaft kiln cement plant, 300 t/day"), TODAY)
    assert [(f.annex, f.item, f.severity) for f in found] == [("III", "3", Severity.prohibited)]
    assert found[0].message_vi.startswith("cấm chuyển giao theo Phụ lục III, Nghị định 76/2018")
    assert found[0].message_en.startswith("prohibited for transfer under Annex III, Decree "
                                          "76/2018")
    assert found[0].evidence == "vertical shaft kiln"


@pytest.mark.parametrize("title", [
    "Dây chuyền sản xuất xi măng lò đứng công suất nhỏ",
    "Day chuyen san xuat xi mang lo dung cong suat nho",  # typed without diacritics
    "DÂY CHUYỀN XI MĂNG LÒ ĐỨNG",
])
def test_prohibited_item_matches_vietnamese_with_and_without_diacritics(title: str):
    assert _keys(_dossier(title, language="vi")) == {("III", "3")}


def test_accented_words_must_match_their_accents():
    # "lọ dùng" folds to "lo dung" like "lò đứng", but was typed with other accents
    assert _keys(_dossier("Xi măng đóng lọ dùng cho gia đình", language="vi")) == set()


def test_phrases_match_whole_words_only():
    assert _keys(_dossier("Decontaminated soils", "Non-DDTish pigments; CFCX sensor")) == set()
    assert _keys(_dossier("DDT formulation plant")) == {("III", "11")}


def test_restricted_item_gives_a_warning_with_the_annex_wording():
    found = Decree76Rule().check(_dossier("Chrome tanning of cattle hides"), TODAY)
    assert [(f.annex, f.item, f.severity) for f in found] == [("II", "5", Severity.warning)]
    assert found[0].message_vi == ("hạn chế chuyển giao theo Phụ lục II, Nghị định 76/2018 "
                                   "(mục 5: Công nghệ thuộc da sử dụng muối crom)")


def test_all_phrases_of_an_alternative_must_occur():
    assert _keys(_dossier("Shaft kiln for lime burning")) == set()
    assert _keys(_dossier("Shaft kiln for lime burning", "Also for cement clinker.")) == \
        {("III", "3")}


@pytest.mark.parametrize("summary", [
    "Trivalent plating replaces hexavalent chromium baths.",
    "HCFC refrigerants are being phased out.",
    "The foam is CFC-free.",
    "Thay thế công nghệ xi măng lò đứng bằng lò quay.",
])
def test_sentence_presenting_an_alternative_does_not_count(summary: str):
    assert _keys(_dossier("Cleaner process package", summary)) == set()


def test_item_outside_its_validity_is_not_applied(tmp_path: Path):
    source = Path(load_annexes.__defaults__[0])  # type: ignore[index]
    lines = source.read_text("utf-8").splitlines()
    header, rows = lines[0], [line for line in lines[1:] if line.startswith("III\t3\t")]
    ended = rows[0].split("\t")
    ended[7] = "2020-12-31"  # valid_to
    path = tmp_path / "annexes.tsv"
    path.write_text("\n".join([header, "\t".join(ended)]) + "\n", "utf-8")
    rule = Decree76Rule(load_annexes(path))
    kiln = _dossier("Vertical shaft kiln cement plant")
    assert _keys(kiln, rule) == set()
    assert {(f.annex, f.item) for f in rule.check(kiln, date(2019, 1, 1))} == {("III", "3")}


def test_unknown_annex_is_an_error(tmp_path: Path):
    path = tmp_path / "annexes.tsv"
    path.write_text("annex\titem\twording_vi\twording_en\tkeywords_vi\tkeywords_en\tvalid_from"
                    "\tvalid_to\tsource\nIV\t1\tx\tx\tx\tx\t2018-07-01\t\tx\n", "utf-8")
    with pytest.raises(ValueError, match="unknown annex 'IV'"):
        load_annexes(path)
