"""Vietnamese enterprise tax codes (mã số thuế, MST): format and check digit.

A code is 10 digits (a branch adds `-` and 3 digits: `0100109106-001`). The tenth digit checks
the first nine: multiply them by 31, 29, 23, 19, 17, 13, 7, 5, 3, add, and take
10 − (sum mod 11); a prefix whose sum is a multiple of 11 has no valid code.
"""

import re

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_PATTERN = re.compile(r"^(\d{10})(-\d{3})?$")
RULE = ("the 10th digit is 10 − (31·d1 + 29·d2 + 23·d3 + 19·d4 + 17·d5 + 13·d6 + 7·d7 + 5·d8 "
        "+ 3·d9) mod 11, e.g. 0100109106 (a branch: 0100109106-001)")


def check_digit(first_nine: str) -> int | None:
    """The tenth digit for nine leading digits, or None when no valid code has that prefix."""
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True))
    digit = 10 - total % 11
    return digit if digit < 10 else None


def validate_tax_code(code: str) -> str:
    """Return the normalised tax code (10 digits, or 10-3 for a branch) or raise ValueError."""
    code = code.strip().replace(" ", "")
    match = _PATTERN.match(code)
    if not match:
        raise ValueError(f"tax code '{code}' must be 10 digits, or 10 digits-3 digits for a "
                         f"branch; {RULE}")
    main = match.group(1)
    expected = check_digit(main[:9])
    if expected != int(main[9]):
        hint = f"it should be {expected}" if expected is not None \
            else f"no valid code starts {main[:9]}"
        raise ValueError(f"tax code '{code}' has a wrong check digit ({hint}): {RULE}")
    return code
