"""Diacritic restoration: the shipped model on need-like text, and the model's mechanics."""

import gzip
import json
from pathlib import Path

import pytest

from matcher.text import diacritics
from matcher.text.diacritics import DEFAULT_MODEL, DOMAIN_CORPUS, DiacriticRestorer, is_held_out

TINY_SENTENCES = ["Tôi bán cá ở chợ.", "Cả nhà tôi đi chợ.", "Nhà tôi nuôi cá."]


@pytest.fixture(scope="module")
def shipped() -> DiacriticRestorer:
    return DiacriticRestorer.load()


@pytest.fixture
def tiny() -> DiacriticRestorer:
    return DiacriticRestorer.train(TINY_SENTENCES, phrases=["nuôi cá"])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("xu ly nuoc thai chan nuoi lon", "xử lý nước thải chăn nuôi lợn"),
        (
            "Cong ty can may say vai thieu bang bom nhiet de giu mau",
            "Công ty cần máy sấy vải thiều bằng bơm nhiệt để giữ màu",
        ),
        (
            "tom nuoi bi chet rai rac do thieu oxy hoa tan trong ao",
            "tôm nuôi bị chết rải rác do thiếu oxy hòa tan trong ao",
        ),
    ],
)
def test_restore_adds_diacritics_to_a_need_typed_without_them(shipped, typed, expected):
    assert shipped.restore(typed) == expected


def test_restore_leaves_codes_numbers_and_english_words_as_typed(shipped):
    typed = "he thong PLC Siemens S7-1200 va cam bien CO2, 150 m3/ngay"
    assert shipped.restore(typed) == "hệ thống PLC Siemens S7-1200 và cảm biến CO2, 150 m3/ngày"
    assert shipped.restore("Wastewater treatment plant") == "Wastewater treatment plant"


def test_restore_keeps_case_spacing_and_punctuation(shipped):
    assert shipped.restore("Cong ty  chung toi, o Bac Giang!") == "Công ty  chúng tôi, ở Bắc Giang!"
    assert shipped.restore("XU LY NUOC THAI") == "XỬ LÝ NƯỚC THẢI"


def test_restore_leaves_acronyms_alone_in_mixed_case_text(shipped):
    assert shipped.restore("can AI va IoT cho nha may") == "cần AI và IoT cho nhà máy"
    assert shipped.restore("he thong AI, IT va GAP") == "hệ thống AI, IT và GAP"


def test_restore_treats_neighbouring_capitalised_syllables_as_shouted_words(shipped):
    assert shipped.restore("XU LY nuoc thai cho trang trai") == "XỬ LÝ nước thải cho trang trại"


def test_restore_keeps_accented_words_as_typed_and_completes_partly_accented_ones(shipped):
    assert shipped.restore("Hoà bình, xử lý nước thải") == "Hoà bình, xử lý nước thải"
    assert shipped.restore("xử ly nươc thai") == "xử lý nước thải"
    assert shipped.restore("") == ""


def test_forms_lists_known_accented_forms_most_frequent_first(tiny):
    assert tiny.forms("ca") == ["cá", "cả"]
    assert tiny.forms("CA") == ["cá", "cả"]
    assert tiny.forms("xyz") == []


def test_restore_uses_context_where_the_unigram_order_cannot(tiny):
    assert tiny.restore("ca nha toi di cho") == "cả nhà tôi đi chợ"
    assert tiny.restore("Toi ban ca.") == "Tôi bán cá."
    tiny.order = 1
    assert tiny.restore("ca nha toi di cho") == "cá nhà tôi đi chợ"


def test_save_and_load_round_trip_with_identical_bytes(tiny, tmp_path: Path):
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    tiny.save(first)
    loaded = DiacriticRestorer.load(first)
    loaded.save(second)
    assert first.read_bytes() == second.read_bytes()
    assert loaded.syllables == tiny.syllables
    assert loaded.restore("ca nha toi di cho") == "cả nhà tôi đi chợ"


def test_load_rejects_a_file_of_another_format(tmp_path: Path):
    path = tmp_path / "other.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"format": "something-else"}).encode()))
    with pytest.raises(ValueError, match="is not a ketnoi-diacritics/1 model"):
        DiacriticRestorer.load(path)


def test_order_must_be_one_two_or_three(tiny):
    with pytest.raises(ValueError, match="order must be 1, 2 or 3, not 4"):
        DiacriticRestorer(tiny.syllables, tiny.ngrams, order=4)


def test_shipped_model_stays_small():
    assert DEFAULT_MODEL.stat().st_size < 8_000_000


def test_held_out_tenth_of_the_domain_corpus_is_fixed():
    lines = DOMAIN_CORPUS.read_text("utf-8").splitlines()
    held = [s for s in lines if is_held_out(s)]
    assert 0.08 < len(held) / len(lines) < 0.12
    assert is_held_out("Chúng tôi cần công nghệ sản xuất gạch không nung.") is False
    assert is_held_out("Xưởng cần máy hàn tự động.") is True


@pytest.fixture
def sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A data dir with one legal text, a seed dir with dossiers, needs and a lexicon, a corpus."""
    data, seed = tmp_path / "data", tmp_path / "seed"
    (data / "vn-legal-tech").mkdir(parents=True)
    (data / "vn-legal-tech" / "law.txt").write_text("Luật này quy định về công nghệ.\n", "utf-8")
    (seed / "lexicon").mkdir(parents=True)
    (seed / "lexicon" / "env.tsv").write_text(
        "vi\ten\tsector\tkind\nnước thải\twastewater\tenvironment\tpollutant\n", "utf-8"
    )
    dossiers = [
        {"language": "vi", "title": "Xử lý nước thải", "summary": "mui hoi chuong trai"},
        {"language": "en", "title": "Biogas upgrading"},
    ]
    (seed / "dossiers").mkdir()
    (seed / "dossiers" / "a.jsonl").write_text(
        "\n".join(json.dumps(d) for d in dossiers) + "\n", "utf-8")
    held_out_need = {"language": "vi", "title": "Cần máy sấy vải"}
    (seed / "needs.jsonl").write_text(json.dumps(held_out_need) + "\n", "utf-8")
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(
        "Chúng tôi cần công nghệ sản xuất gạch không nung.\nXưởng cần máy hàn tự động.\n",
        "utf-8",
    )
    monkeypatch.setattr(diacritics, "DOMAIN_CORPUS", corpus)
    return data, seed


def test_training_texts_skip_unaccented_fields_english_records_needs_and_held_out(sources):
    sentences, phrases = diacritics.training_texts(*sources)
    assert sentences == [
        "Luật này quy định về công nghệ.",
        "Chúng tôi cần công nghệ sản xuất gạch không nung.",
        "Xử lý nước thải",
    ]
    assert phrases == ["nước thải"]


def test_cli_trains_a_model_and_restores_text(sources, tmp_path: Path, capsys):
    out = tmp_path / "model.json.gz"
    data, seed = sources
    diacritics.main(["train", "--out", str(out), "--data-dir", str(data), "--seed-dir", str(seed)])
    assert capsys.readouterr().out == f"trained on 3 texts and 1 phrases -> {out}\n"
    assert DiacriticRestorer.load(out).restore("xu ly nuoc thai") == "xử lý nước thải"
    diacritics.main(["restore", "xu ly", "nuoc thai"])
    assert capsys.readouterr().out == "xử lý nước thải\n"
