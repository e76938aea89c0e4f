"""Cells written to CSV and XLSX exports: text a spreadsheet would run as a formula stays text
(OWASP CSV injection: a leading = + - @ TAB or CR); numbers stay numbers."""

import pytest

from matcher.ingest.spreadsheet import looks_like_formula, safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1:A9)",
                                  "\t=HYPERLINK(\"http://x\")", "\r=cmd|' /C calc'!A0",
                                  "\tplain after a tab", "\rplain after a return"])
def test_text_a_spreadsheet_would_run_is_quoted(text: str):
    assert looks_like_formula(text)
    assert safe_cell(text) == f"'{text}"


@pytest.mark.parametrize("value", ["Đoàn Hà Nội", " =1+1 after a space", "", "a=b", 42, -5, 2.5,
                                   -0.75, None, True])
def test_other_values_are_kept_as_they_are(value: object):
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is type(value)
