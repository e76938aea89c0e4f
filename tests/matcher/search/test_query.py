"""Query preparation: what counts as a word to search for."""

import pytest

from matcher.search.query import english_weights, has_words
from matcher.text.lexicon import Translation


@pytest.mark.parametrize("text", ["sấy vải", "PLC", "12", "C++", "乾燥機", "drone!!"])
def test_text_with_a_letter_or_digit_has_words(text: str):
    assert has_words(text)


@pytest.mark.parametrize("text", ["", "!!", "...", "   ", "\u200b\u200b", "\u200d\u2060\ufeff",
                                  "— … «»", "🔥🔥", "__"])
def test_punctuation_spaces_and_invisible_characters_are_not_words(text: str):
    assert not has_words(text)


def test_english_weights_favour_an_entrys_first_rendering_and_hand_written_entries():
    translations = [Translation("nước thải", ("wastewater", "sewage water"), ""),
                    Translation("lò hơi", ("boiler",), "induced"),
                    Translation("xử lý nước thải", ("wastewater treatment",), "")]
    weights = english_weights(translations, ["PLC"])
    # "wastewater": first rendering of two entries; "sewag": a later alternative; "water":
    # only in the alternative; "boiler": induced; "plc": typed as is
    assert weights == pytest.approx({"wastewat": 2.0, "sewag": 0.5, "water": 0.5,
                                     "boiler": 0.5, "treatment": 1.0, "plc": 1.0})
