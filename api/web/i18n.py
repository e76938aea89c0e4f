"""Languages of the web application: Vietnamese first, English as a switch.

Messages are written in English in the code and templates (`_("…")`) and translated in the
gettext catalogues under `locale/<lang>/LC_MESSAGES/*.po`, read at start with Babel (no compile
step: a missing translation shows the English text, and a test checks none is missing). Dates,
numbers and money are formatted the Vietnamese way with Babel's CLDR data: 31/12/2025,
1.250.000.000 ₫.
"""

from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import NullTranslations, Translations

from matcher.models.fields import aware

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT = "vi"
TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_PATTERN = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
DATETIME_PATTERN = {"vi": "HH:mm dd/MM/yyyy", "en": "d MMM yyyy, HH:mm"}


def N_(text: str) -> str:
    """Mark `text` for the catalogue where it is written, to be translated where it is shown
    (menu labels, error messages handed to templates)."""
    return text


@cache
def translations(lang: str) -> NullTranslations:
    """The merged catalogues of `lang` (every .po file of its folder); English is the source."""
    merged: NullTranslations = NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")) if lang != "en" else ():
        with path.open("rb") as po:
            catalog = read_po(po, locale=lang)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        part = Translations(buffer)
        if isinstance(merged, Translations):
            merged.merge(part)
        else:
            merged = part
    return merged


def language(requested: str | None) -> str:
    return requested if requested in LANGUAGES else DEFAULT


class Formats:
    """The formatting filters of one language, for templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = _local(value).date()
        return format_date(value, DATE_PATTERN[self.lang], locale=self.lang)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        return format_datetime(_local(value), DATETIME_PATTERN[self.lang], locale=self.lang)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, pattern, locale=self.lang)

    def money(self, value: float | int | None, currency: str | None = "VND") -> str:
        if value is None:
            return "—"
        return format_currency(value, currency or "VND", locale=self.lang,
                               format_type="standard", currency_digits=True)

    def percent(self, value: float | None) -> str:
        """A share (0.25) as a percentage (25 %)."""
        return "—" if value is None else format_percent(value, locale=self.lang)


def _local(moment: datetime) -> datetime:
    """A stored moment (UTC; naive from SQLite) in Vietnam's time."""
    return aware(moment).astimezone(TIME_ZONE)
