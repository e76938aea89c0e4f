"""Decision 18/2019: second-hand equipment older than 10 years is flagged."""

from datetime import date

from matcher.models import Dossier
from matcher.models.enums import Severity
from matcher.rules.second_hand import SecondHandAgeRule


def _dossier(second_hand: bool, year: int | None) -> Dossier:
    return Dossier(title="Used press line", origin_country="JP", second_hand=second_hand,
                   equipment_year=year)


def test_second_hand_equipment_over_ten_years_is_a_warning():
    found = SecondHandAgeRule().check(_dossier(True, 2012), date(2026, 12, 7))
    assert len(found) == 1
    assert found[0].severity is Severity.warning
    assert found[0].message_en == ("second-hand equipment made in 2012 is 14 years old, over the "
                                   "10-year limit of Decision 18/2019/QĐ-TTg")
    assert found[0].message_vi.startswith("thiết bị đã qua sử dụng sản xuất năm 2012, 14 năm")


def test_ten_years_exactly_is_within_the_limit():
    assert SecondHandAgeRule().check(_dossier(True, 2016), date(2026, 12, 7)) == []
    assert len(SecondHandAgeRule().check(_dossier(True, 2016), date(2027, 1, 1))) == 1


def test_new_equipment_or_unknown_year_is_not_judged():
    assert SecondHandAgeRule().check(_dossier(False, 1990), date(2026, 12, 7)) == []
    assert SecondHandAgeRule().check(_dossier(True, None), date(2026, 12, 7)) == []
