"""`notify` refuses to tell a recipient of a record the access policy hides from it, and the
outbox keeps the rows the alerts job has not read."""

from datetime import timedelta

import pytest
from sqlmodel import func, select

from matcher.alerts.job import READER
from matcher.alerts.notify import notify
from matcher.alerts.recipients import Recipient
from matcher.auth.models import Role
from matcher.auth.policy import Hidden
from matcher.models.fields import utcnow
from matcher.platform.outbox import OutboxEntry, OutboxReader, latest, prune


def _notify(world, recipient: Recipient, **about):
    with world.runtime.session() as session:
        return notify(session, world.runtime.settings, recipient, "expiry.need", "Sắp hết hạn",
                      "Còn 7 ngày.", **about)


def test_an_enterprise_is_never_told_of_another_enterprise_s_need(world):
    with pytest.raises(Hidden, match=f"no need with id {world.hp_need}"):
        _notify(world, Recipient(Role.enterprise, enterprise_id=world.bg_enterprise),
                need_id=world.hp_need)
    assert _notify(world, Recipient(Role.enterprise, enterprise_id=world.bg_enterprise),
                   need_id=world.bg_need).need_id == world.bg_need


def test_organisers_are_told_nothing_about_needs_they_see_anonymised_or_not_at_all(world):
    organisers = Recipient(Role.organiser, jurisdiction="BG")
    with pytest.raises(Hidden):  # public: organisers see it only anonymised
        _notify(world, organisers, need_id=world.bg_need)
    response = world.client.patch(f"/needs/{world.bg_need}",
                                  json={"confidentiality": "confidential"})
    assert response.status_code == 200
    with pytest.raises(Hidden):
        _notify(world, organisers, need_id=world.bg_need)


def test_a_missing_dossier_or_a_malformed_kind_is_refused(world):
    brokers = Recipient(Role.intermediary, jurisdiction="BG")
    with pytest.raises(Hidden, match="no dossier with id 999999"):
        _notify(world, brokers, dossier_ids=[999999])
    with pytest.raises(ValueError, match="kind: 'Expiry' is not"):
        _notify_kind(world, brokers, "Expiry")


def _notify_kind(world, recipient: Recipient, kind: str):
    with world.runtime.session() as session:
        return notify(session, world.runtime.settings, recipient, kind, "s", "b")


def test_pruning_keeps_the_outbox_rows_the_alerts_job_has_not_read(world):
    world.add_dossier()
    world.add_dossier()
    with world.runtime.session() as session:
        position = session.get(OutboxReader, READER).cursor
        top = latest(session)
        assert top == position + 2
        pruned = prune(session, top, utcnow() + timedelta(hours=1))
        session.commit()
        left = session.exec(select(func.count()).select_from(OutboxEntry)).one()
        assert (pruned, left) == (position, 2)  # everything up to the job's position
