"""A price far above comparable dossiers (same sector theme), by a robust z-score of log
prices."""

from datetime import date

from matcher.models import Dossier
from matcher.rules.feasibility import ExchangeRates
from matcher.rules.price_outlier import PriceOutlierRule, PricePoint

RATES = ExchangeRates({"USD": 25_000, "VND": 1})
THEMES = {"VN-03": "agriculture", "VN-01": "it"}
TODAY = date(2026, 12, 7)


def _themes(codes: list[str]) -> set[str]:
    return {THEMES[c] for c in codes if c in THEMES}


def _book(n: int = 12) -> list[PricePoint]:
    # agriculture dossiers from 40,000 to 95,000 USD; IT ones far dearer
    farm = [PricePoint(i, frozenset({"agriculture"}), (40_000 + 5_000 * i) * 25_000)
            for i in range(n)]
    it = [PricePoint(100 + i, frozenset({"it"}), 5e6 * 25_000) for i in range(n)]
    return farm + it


def _dossier(price: float, sector: str = "VN-03", currency: str = "USD") -> Dossier:
    return Dossier(id=999, title="Drip kit", origin_country="CN", sector_codes=[sector],
                   price_min=price, currency=currency)


def test_price_far_above_its_sector_is_flagged_for_appraisal():
    found = PriceOutlierRule(_book(), _themes, RATES).check(_dossier(4_000_000), TODAY)
    assert len(found) == 1
    assert found[0].rule == "price_outlier"
    assert "comparable dossiers of the same sector" in found[0].message_en
    assert found[0].message_vi.endswith("cần thẩm định giá")


def test_price_is_compared_within_its_sector_only():
    # 4 million USD is ordinary among the IT dossiers
    assert PriceOutlierRule(_book(), _themes, RATES).check(_dossier(4_000_000, "VN-01"),
                                                           TODAY) == []


def test_ordinary_or_cheap_price_is_not_flagged():
    rule = PriceOutlierRule(_book(), _themes, RATES)
    assert rule.check(_dossier(120_000), TODAY) == []
    assert rule.check(_dossier(1_000), TODAY) == []  # far below: not inflated


def test_too_few_comparables_or_unknown_currency_are_not_judged():
    assert PriceOutlierRule(_book(5), _themes, RATES).check(_dossier(4_000_000), TODAY) == []
    assert PriceOutlierRule(_book(), _themes, RATES).check(
        _dossier(4_000_000, currency="EUR"), TODAY) == []


def test_the_dossier_itself_is_not_its_own_comparable():
    book = _book() + [PricePoint(999, frozenset({"agriculture"}), 4e6 * 25_000)] * 20
    # twenty copies of itself in the book would make its price "typical" if it counted
    assert len(PriceOutlierRule(book, _themes, RATES).check(_dossier(4_000_000), TODAY)) == 1
