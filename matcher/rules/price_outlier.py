"""A price far above comparable dossiers, flagged for appraisal (Hải Phòng's plan asks to block
inflated technology valuations).

Comparable dossiers are the others that share a priority-sector theme with the dossier, their
asking prices (the floor, `price_min`, else `price_max`) converted to VND. Prices of
technologies span orders of magnitude, so they are compared as logarithms, with the robust
modified z-score of Iglewicz and Hoaglin: z = 0.6745 (x − median) / MAD. A dossier is flagged
when z exceeds `THRESHOLD` among at least `MIN_COMPARABLES` comparables. The threshold 3.5 is
the one Iglewicz and Hoaglin recommend for outliers; `python -m benchmarks.screening` measures
it (and its neighbours) on the labelled seed dossiers.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher.models import Dossier
from matcher.models.enums import Severity
from matcher.rules.feasibility import ExchangeRates
from matcher.rules.screening import Finding

THRESHOLD = 3.5
MIN_COMPARABLES = 8
MAD_FLOOR = 0.05  # log10 units: comparables priced almost alike must not make 5 % an outlier


@dataclass(frozen=True)
class PricePoint:
    """One dossier's asking price in VND and the sector themes it is compared within."""

    dossier_id: int
    themes: frozenset[str]
    price_vnd: float


def asking_price_vnd(price_min: float | None, price_max: float | None, currency: str,
                     rates: ExchangeRates) -> float | None:
    """A dossier's lowest asking price in VND (None without a price or a known rate)."""
    price = price_min if price_min is not None else price_max
    if price is None or price <= 0:
        return None
    return rates.to_vnd(price, currency)


def price_of(dossier: Dossier, rates: ExchangeRates) -> float | None:
    """The dossier's lowest asking price in VND."""
    return asking_price_vnd(dossier.price_min, dossier.price_max, dossier.currency, rates)


class PriceOutlierRule:
    """A warning when the dossier's price is far above the prices of comparable dossiers."""

    name = "price_outlier"

    def __init__(self, book: list[PricePoint], themes: Callable[[list[str]], set[str]],
                 rates: ExchangeRates, threshold: float = THRESHOLD,
                 min_comparables: int = MIN_COMPARABLES) -> None:
        """`book`: the priced dossiers to compare with; `themes`: the sector themes of a list
        of sector codes (`SectorCatalog.themes`)."""
        self.book, self.themes, self.rates = book, themes, rates
        self.threshold, self.min_comparables = threshold, min_comparables
        # per set of themes: the comparables' ids and log prices, found once (an import
        # screens thousands of dossiers of a few themes)
        self._groups: dict[frozenset[str], tuple[np.ndarray, np.ndarray]] = {}

    def _group(self, themes: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        if themes not in self._groups:
            members = [p for p in self.book if p.themes & themes]
            self._groups[themes] = (np.array([p.dossier_id for p in members], dtype=np.int64),
                                    np.log10([p.price_vnd for p in members]))
        return self._groups[themes]

    def score(self, dossier: Dossier) -> tuple[float, int, float] | None:
        """The modified z-score of the dossier's price, the number of comparables and their
        median price in VND; None when it cannot be judged."""
        price = price_of(dossier, self.rates)
        themes = frozenset(self.themes(list(dossier.sector_codes)))
        if price is None or not themes:
            return None
        ids, logs = self._group(themes)
        others = logs[ids != (dossier.id if dossier.id is not None else -1)]
        if len(others) < self.min_comparables:
            return None
        middle = float(np.median(others))
        mad = max(float(np.median(np.abs(others - middle))), MAD_FLOOR)
        return 0.6745 * (math.log10(price) - middle) / mad, len(others), 10 ** middle

    def check(self, dossier: Dossier, today: date) -> list[Finding]:
        scored = self.score(dossier)
        if scored is None or scored[0] <= self.threshold:
            return []
        z, count, typical = scored
        price = price_of(dossier, self.rates) or 0.0
        ratio = price / typical
        return [Finding(
            rule=self.name, severity=Severity.warning,
            message_vi=f"giá cao bất thường so với {count} hồ sơ cùng lĩnh vực (gấp {ratio:.0f} "
                       f"lần mức giữa {typical / 1e9:.1f} tỷ đồng), cần thẩm định giá",
            message_en=f"price far above {count} comparable dossiers of the same sector "
                       f"({ratio:.0f} times their median of {typical / 1e9:.1f} billion VND); "
                       f"to be appraised",
            evidence=f"z={z:.1f}, price={price / 1e9:.1f} billion VND")]
