"""Renewing dossiers and needs (gia hạn), and finding those whose validity ends soon, so their
owners can be told before they leave search and matching."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, select

from matcher.auth.policy import Policy
from matcher.models import Dossier, Need
from matcher.models.fields import utcnow
from matcher.models.validity import default_valid_until, local_today


def expired_rows(model: Any, today: date | None = None) -> ColumnElement[bool]:
    """The records of `model` (`Dossier` or `Need`) whose validity has ended."""
    return col(model.valid_until) < (today or local_today())


def current_rows(model: Any, today: date | None = None) -> ColumnElement[bool]:
    """The records of `model` still valid today."""
    return col(model.valid_until) >= (today or local_today())


def expiring_rows(model: Any, within_days: int, today: date | None = None
                  ) -> ColumnElement[bool]:
    """The records of `model` still valid today whose validity ends within `within_days`
    days (0: today is their last day)."""
    today = today or local_today()
    return and_(current_rows(model, today),
                col(model.valid_until) <= today + timedelta(days=within_days))


@dataclass
class Expiring:
    """Records whose validity ends soon, each list soonest first."""

    dossiers: list[Dossier] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)


def expiring(session: Session, within_days: int, today: date | None = None) -> Expiring:
    """Dossiers and needs not yet expired whose validity ends within `within_days` days: the
    ones to tell their owners about (a need's enterprise; the brokers, for a dossier). Reads
    every record: callers that answer a person filter through their `Policy`."""
    if within_days < 0:
        raise ValueError("within_days must be 0 or more")

    def rows(model: Any) -> list:
        return list(session.exec(select(model).where(expiring_rows(model, within_days, today))
                                 .order_by(col(model.valid_until), col(model.id))).all())

    return Expiring(dossiers=rows(Dossier), needs=rows(Need))


def renew_dossier(session: Session, policy: Policy, dossier_id: int) -> Dossier:
    """Keep the dossier listed for another period from today (`Hidden` when missing); the
    route's access rule says who may (the brokers who write dossiers)."""
    dossier = policy.dossier(session, dossier_id)
    _renew(session, dossier)
    return dossier


def renew_need(session: Session, policy: Policy, need_id: int) -> Need:
    """Keep the need listed for another period from today: for whoever may change it (its
    enterprise, the brokers of its province, admins); `Hidden` when the caller may not read
    it in full, `Refused` when it reads it but may not change it."""
    need = policy.need(session, need_id, full=True)
    policy.check_need_write(need, policy.enterprise(session, need.enterprise_id), {})
    _renew(session, need)
    return need


def _renew(session: Session, record: Dossier | Need) -> None:
    # from today, not from the old end: a renewal never stacks periods beyond one
    record.valid_until = default_valid_until()
    record.updated_at = utcnow()
    session.add(record)
