"""The outbox: every change of a dossier or need, written by any session, leaves a row in
the same transaction, and nothing when the transaction is rolled back."""

from sqlmodel import select

from matcher.models import Dossier, Enterprise, Need
from matcher.platform.outbox import OutboxEntry, changes_after, latest, own_changes, prune
from tests.factories import dossier_payload, enterprise_payload, need_payload


def _rows(session) -> list[tuple[str, int]]:
    return [(r.collection, r.record_id)
            for r in session.exec(select(OutboxEntry).order_by(OutboxEntry.id)).all()]


def test_creating_changing_and_deleting_leave_one_row_each(session) -> None:
    dossier = Dossier.model_validate(dossier_payload())
    session.add(dossier)
    session.commit()
    dossier.title = "Máy sấy bơm nhiệt"
    session.add(dossier)
    session.commit()
    session.delete(dossier)
    session.commit()
    assert _rows(session) == [("dossiers", dossier.id)] * 3


def test_needs_are_recorded_and_enterprises_are_not(session) -> None:
    enterprise = Enterprise.model_validate(enterprise_payload())
    session.add(enterprise)
    session.commit()
    need = Need.model_validate(need_payload(enterprise.id))
    session.add(need)
    session.commit()
    assert _rows(session) == [("needs", need.id)]


def test_an_unchanged_record_leaves_no_row(session) -> None:
    dossier = Dossier.model_validate(dossier_payload())
    session.add(dossier)
    session.commit()
    dossier.title = dossier.title  # set, but not changed
    session.add(dossier)
    session.commit()
    assert len(_rows(session)) == 1


def test_a_rolled_back_write_leaves_no_row_and_nothing_to_apply(session) -> None:
    session.add(Dossier.model_validate(dossier_payload()))
    session.flush()
    assert len(session.info["outbox"]) == 1
    session.rollback()
    assert _rows(session) == []
    assert own_changes(session) == []


def test_own_changes_are_the_rows_this_session_committed(session) -> None:
    first, second = (Dossier.model_validate(dossier_payload()) for _ in range(2))
    session.add_all([first, second])
    session.commit()
    changes = own_changes(session)
    assert [(c.collection, c.record_id) for c in changes] == [("dossiers", first.id),
                                                              ("dossiers", second.id)]
    assert [c.id for c in changes] == [c.id for c in changes_after(session, 0)]
    assert own_changes(session) == []  # handed over once


def test_changes_after_reads_past_the_cursor_and_the_ids_still_awaited(session) -> None:
    for _ in range(4):
        session.add(Dossier.model_validate(dossier_payload()))
        session.commit()
    ids = [c.id for c in changes_after(session, 0)]
    assert [c.id for c in changes_after(session, ids[2])] == [ids[3]]
    assert [c.id for c in changes_after(session, ids[2], also=[ids[0]])] == [ids[0], ids[3]]
    assert [c.id for c in changes_after(session, 0, limit=2)] == ids[:2]
    assert latest(session) == ids[3]


def test_prune_keeps_recent_rows_and_rows_past_the_snapshot(session) -> None:
    from datetime import timedelta

    from matcher.models.fields import utcnow

    for _ in range(3):
        session.add(Dossier.model_validate(dossier_payload()))
        session.commit()
    ids = [c.id for c in changes_after(session, 0)]
    assert prune(session, ids[1], utcnow() - timedelta(hours=1)) == 0  # all recent
    assert prune(session, ids[1], utcnow() + timedelta(seconds=1)) == 2
    session.commit()
    assert [c.id for c in changes_after(session, 0)] == [ids[2]]
