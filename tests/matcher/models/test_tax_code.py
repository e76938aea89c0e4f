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
