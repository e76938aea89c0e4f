"""How long a dossier or a need stays listed (thời hạn hiệu lực): the day it ends by default,
the day it is in Vietnam, and whether a listing has expired. EEN keeps a profile valid for 12
months; an expired record leaves search and matching until its owner renews it."""

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from matcher.platform.config import get_settings

# Validity is counted in Vietnamese calendar days: at 06:30 on 8 December in Hà Nội it is
# still 7 December in UTC, yet a listing valid until the 7th has ended there.
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today(now: datetime | None = None) -> date:
    """Today's date in Vietnam (of `now`, an aware moment, when given)."""
    return (now or datetime.now(LOCAL_ZONE)).astimezone(LOCAL_ZONE).date()


def months_after(day: date, months: int) -> date:
    """The same day `months` later, the last day of the month when that month is shorter
    (31 January + 1 month = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_valid_until() -> date:
    """The last day a record created (or renewed) today is listed: `KETNOI_VALIDITY_MONTHS`
    months from today."""
    return months_after(local_today(), get_settings().validity_months)


def is_expired(valid_until: date | None, today: date | None = None) -> bool:
    """Whether a listing valid until `valid_until` (inclusive) has ended by `today`."""
    return valid_until is not None and valid_until < (today or local_today())
