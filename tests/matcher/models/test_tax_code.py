"""Tax codes (MST): format and check digit."""

import pytest

from matcher.models.tax_code import check_digit, validate_tax_code


@pytest.mark.parametrize("code", ["0100109106", "0300588569", "0100109106-001"])
def test_valid_tax_codes_pass(code):
    assert validate_tax_code(code) == code


def test_wrong_check_digit_is_named():
    with pytest.raises(ValueError, match="'0100109107' has a wrong check digit"):
        validate_tax_code("0100109107")


@pytest.mark.parametrize("code", ["12345", "01001091061", "abcdefghij", "0100109106-1"])
def test_malformed_tax_codes_are_refused(code):
    with pytest.raises(ValueError, match="must be 10 digits"):
        validate_tax_code(code)


def test_check_digit_of_known_prefix():
    assert check_digit("010010910") == 6


def test_wrong_check_digit_says_the_right_digit_and_the_rule():
    with pytest.raises(ValueError) as caught:
        validate_tax_code("0100109107")
    assert str(caught.value) == (
        "tax code '0100109107' has a wrong check digit (it should be 6): the 10th digit is "
        "10 − (31·d1 + 29·d2 + 23·d3 + 19·d4 + 17·d5 + 13·d6 + 7·d7 + 5·d8 + 3·d9) mod 11, "
        "e.g. 0100109106 (a branch: 0100109106-001)")


def test_prefix_without_a_valid_code_is_named():
    prefix = next(f"{n:09d}" for n in range(10**6) if check_digit(f"{n:09d}") is None)
    with pytest.raises(ValueError, match=f"no valid code starts {prefix}"):
        validate_tax_code(prefix + "0")


def test_the_rule_in_the_message_computes_the_check_digit():
    """The formula the message gives is the one the check uses, on every valid seed code."""
    import json

    from matcher.platform.config import REPO_ROOT

    lines = (REPO_ROOT / "seed_data" / "enterprises.jsonl").read_text("utf-8").splitlines()
    codes = [json.loads(line)["tax_code"] for line in lines if line.strip()]
    assert codes
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    for code in codes:
        digits = [int(d) for d in code[:10]]
        assert 10 - sum(d * w for d, w in zip(digits, weights, strict=False)) % 11 == digits[9]
