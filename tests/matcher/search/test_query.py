"""Query preparation: what counts as a word to search for."""

import pytest

from matcher.search.query import has_words


@pytest.mark.parametrize("text", ["sấy vải", "PLC", "12", "C++", "乾燥機", "drone!!"])
def test_text_with_a_letter_or_digit_has_words(text: str):
    assert has_words(text)


@pytest.mark.parametrize("text", ["", "!!", "...", "   ", "\u200b\u200b", "\u200d\u2060\ufeff",
                                  "— … «»", "🔥🔥", "__"])
def test_punctuation_spaces_and_invisible_characters_are_not_words(text: str):
    assert not has_words(text)
