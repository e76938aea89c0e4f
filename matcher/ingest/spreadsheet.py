"""Cells for CSV and XLSX exports that a spreadsheet shows as written and never runs: text that
starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return; OWASP, CSV injection)
is written after a `'`, or as XLSX text with a quote prefix. Numbers stay numbers."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Whether a spreadsheet could take the value for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_cell(value: object) -> object:
    """The value for a CSV cell: text that looks like a formula behind a `'`; anything else,
    numbers included, as it is."""
    return f"'{value}" if looks_like_formula(value) else value
