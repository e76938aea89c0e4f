"""Reminders before a listing ends, through the alerts job on a real database: once per record,
recipient and validity period, to those who may read the record."""

from datetime import datetime, time, timedelta

from matcher.alerts import inbox
from matcher.alerts.job import run_alerts
from matcher.alerts.models import Notification
from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.models import Need
from matcher.models.validity import LOCAL_ZONE
from tests.matcher.alerts.conftest import AlertWorld


def _moment(world: AlertWorld, need_id: int, days_before: int) -> datetime:
    with world.runtime.session() as session:
        until = session.get(Need, need_id).valid_until
    return datetime.combine(until - timedelta(days=days_before), time(9), LOCAL_ZONE)


def _reminders(world: AlertWorld, who: Principal) -> list[Notification]:
    with world.runtime.session() as session:
        found = inbox.inbox(session, who, limit=100).data  # type: ignore[arg-type]
        return [n for n in found if n.kind.startswith("expiry.")]


def test_owners_are_reminded_once_before_a_listing_ends(world: AlertWorld):
    dossier = world.add_dossier()
    assert run_alerts(world.runtime).reminders == 0  # a year ahead: nothing due
    early = run_alerts(world.runtime, _moment(world, world.bg_need, 20))
    assert early.reminders == 0  # 14 days ahead by default
    due = run_alerts(world.runtime, _moment(world, world.bg_need, 10))
    # each need: its enterprise and its province's brokers; the dossier: the Department
    assert due.reminders == 5
    assert run_alerts(world.runtime, _moment(world, world.bg_need, 9)).reminders == 0

    bg = _reminders(world, Principal(role=Role.enterprise, key_id=1,
                                     enterprise_id=world.bg_enterprise))
    assert [(n.kind, n.need_id) for n in bg] == [("expiry.need", world.bg_need)]
    assert "gia hạn" in bg[0].subject
    brokers = _reminders(world, Principal(role=Role.intermediary, key_id=2, jurisdiction="HP"))
    assert [n.need_id for n in brokers] == [world.hp_need]
    admins = _reminders(world, Principal(role=Role.admin, key_id=3))
    assert [n.dossier_ids for n in admins if n.kind == "expiry.dossier"] == [[dossier]]


def test_a_renewed_listing_is_reminded_again_for_its_new_period(world: AlertWorld):
    # no dossier in this world: the two needs, each to its enterprise and brokers
    assert run_alerts(world.runtime, _moment(world, world.bg_need, 10)).reminders == 4
    with world.runtime.session() as session:
        need = session.get(Need, world.bg_need)
        need.valid_until += timedelta(days=365)
        session.add(need)
        session.commit()
    later = _moment(world, world.bg_need, 10)
    # the renewed need only: the other one has expired by then, unrenewed
    assert run_alerts(world.runtime, later).reminders == 2
