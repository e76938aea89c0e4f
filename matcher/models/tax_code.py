"""Vietnamese enterprise tax codes (mã số thuế, MST): format and check digit."""

import re

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_PATTERN = re.compile(r"^(\d{10})(-\d{3})?$")


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
        raise ValueError(f"tax code '{code}' must be 10 digits, or 10 digits-3 digits for a branch")
    main = match.group(1)
    if check_digit(main[:9]) != int(main[9]):
        raise ValueError(f"tax code '{code}' has a wrong check digit")
    return code
