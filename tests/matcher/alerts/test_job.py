"""The alerts job end to end on a real database, the real e5 model and FAISS index: a new or
changed dossier is matched against open needs, each pair is alerted once, digests wait a day,
and what a notification names follows the access policy."""

from datetime import timedelta

from sqlmodel import func, select

from matcher.alerts import inbox
from matcher.alerts.job import READER, advance, run_alerts
from matcher.alerts.models import KIND_NEED_MATCHES, AlertMatch, Notification
from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.models.fields import utcnow
from matcher.platform.outbox import OutboxReader
from tests.matcher.alerts.conftest import UNRELATED, AlertWorld, make_world

BG_ENTERPRISE = Role.enterprise


def _inbox(world: AlertWorld, who: Principal) -> list[Notification]:
    with world.runtime.session() as session:
        return list(inbox.inbox(session, who, limit=100).data)  # type: ignore[arg-type]


def _brokers(jurisdiction: str, key_id: int = 901) -> Principal:
    return Principal(role=Role.intermediary, key_id=key_id, jurisdiction=jurisdiction)


def _enterprise(enterprise_id: int) -> Principal:
    return Principal(role=Role.enterprise, key_id=902, enterprise_id=enterprise_id)


def _count(world: AlertWorld, model) -> int:
    with world.runtime.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_a_new_dossier_alerts_the_enterprise_and_the_brokers_of_its_province(world):
    dossier = world.add_dossier()
    done = run_alerts(world.runtime)
    assert (done.dossiers, done.matches) == (1, 2)  # the BG need and the HP need
    assert done.notifications == 4  # each need: its enterprise, its province's brokers
    mine = _inbox(world, _enterprise(world.bg_enterprise))
    assert [(n.kind, n.need_id, n.dossier_ids) for n in mine] == [
        (KIND_NEED_MATCHES, world.bg_need, [dossier])]
    assert "Sấy vải thiều" in mine[0].subject and "Heat-pump dryer" in mine[0].body
    assert mine[0].items[0]["dossier_id"] == dossier and mine[0].items[0]["explanation"]
    assert [n.need_id for n in _inbox(world, _brokers("BG"))] == [world.bg_need]
    assert [n.need_id for n in _inbox(world, _brokers("HP"))] == [world.hp_need]


def test_an_unrelated_dossier_alerts_nobody(world):
    world.add_dossier()
    run_alerts(world.runtime)
    world.add_dossier(**UNRELATED)
    done = run_alerts(world.runtime)
    assert (done.dossiers, done.matches, done.notifications) == (1, 0, 0)


def test_a_pair_is_alerted_once_even_when_the_dossier_changes(world):
    dossier = world.add_dossier()
    run_alerts(world.runtime)
    response = world.client.patch(f"/dossiers/{dossier}", json={"trl": 9})
    assert response.status_code == 200
    done = run_alerts(world.runtime)
    assert (done.dossiers, done.matches, done.notifications) == (1, 0, 0)
    assert _count(world, Notification) == 4


def test_a_second_process_reading_the_same_rows_alerts_nothing_twice(world):
    """Two runs that read the outbox from one position (two processes at once, or a run
    after another's commit it did not see): the pairs and digests are written once."""
    world.add_dossier()
    with world.runtime.session() as session:
        before = session.get(OutboxReader, READER).cursor
    run_alerts(world.runtime)
    with world.runtime.session() as session:  # the second run starts where the first did
        reader = session.get(OutboxReader, READER)
        reader.cursor = before
        session.add(reader)
        session.commit()
    done = run_alerts(world.runtime)
    assert (done.dossiers, done.matches, done.notifications) == (1, 0, 0)
    assert (_count(world, AlertMatch), _count(world, Notification)) == (2, 4)


def test_a_run_that_fails_before_its_commit_loses_nothing(world, monkeypatch):
    import matcher.alerts.job as job

    world.add_dossier()

    def crash(*_args, **_kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(job, "send_digests", crash)
    try:
        run_alerts(world.runtime)
    except RuntimeError:
        pass
    assert (_count(world, AlertMatch), _count(world, Notification)) == (0, 0)
    monkeypatch.undo()
    done = run_alerts(world.runtime)
    assert (done.matches, done.notifications) == (2, 4)


def test_matches_of_one_day_wait_for_the_next_digest(world):
    first = world.add_dossier()
    run_alerts(world.runtime)
    second = world.add_dossier(title="Heat-pump dryer for longan and lychee, 500 kg batch")
    third = world.add_dossier(title="Solar-assisted heat-pump fruit dryer for lychee")
    waiting = run_alerts(world.runtime)
    assert (waiting.matches, waiting.notifications) == (4, 0)  # two dossiers × two needs
    later = run_alerts(world.runtime, now=utcnow() + timedelta(hours=24, minutes=1))
    assert later.notifications == 4
    mine = _inbox(world, _enterprise(world.bg_enterprise))
    assert [sorted(n.dossier_ids) for n in mine] == [sorted([second, third]), [first]]
    assert mine[0].subject.startswith("2 hồ sơ công nghệ mới")


def test_a_confidential_need_is_told_to_its_enterprise_and_its_own_brokers_only(
        client, runtime):
    world = make_world(client, runtime, confidentiality="confidential")
    world.add_dossier()
    run_alerts(runtime)
    assert [n.need_id for n in _inbox(world, _brokers("BG"))] == [world.bg_need]
    assert [n.need_id for n in _inbox(world, _brokers("HP"))] == [world.hp_need]
    assert [n.need_id for n in _inbox(world, _enterprise(world.hp_enterprise))] == [
        world.hp_need]
    organiser = Principal(role=Role.organiser, key_id=903, jurisdiction="BG")
    assert _inbox(world, organiser) == []


def test_a_need_made_confidential_later_leaves_the_other_readers_inbox(world):
    """A notification follows its need: once the need is hidden from a reader (here, brokers
    of another province), its notifications are gone from their inbox too."""
    world.add_dossier()
    run_alerts(world.runtime)
    other_brokers = Principal(role=Role.intermediary, key_id=904, jurisdiction="HP")
    with world.runtime.session() as session:  # a notice to every broker, about the BG need
        from matcher.alerts.notify import notify
        from matcher.alerts.recipients import Recipient

        notify(session, world.runtime.settings, Recipient(Role.intermediary, "HP"),
               "message.test", "Nhu cầu cần xem", "…", need_id=world.bg_need)
        session.commit()
    assert len(_inbox(world, other_brokers)) == 2
    response = world.client.patch(f"/needs/{world.bg_need}",
                                  json={"confidentiality": "confidential"})
    assert response.status_code == 200
    assert [n.need_id for n in _inbox(world, other_brokers)] == [world.hp_need]


def test_the_position_waits_for_ids_skipped_over_then_gives_up():
    now = utcnow()
    cursor, gaps = advance(10, {}, {11, 14}, now)
    assert (cursor, sorted(gaps)) == (14, ["12", "13"])
    cursor, gaps = advance(cursor, gaps, {12, 15}, now + timedelta(seconds=1))
    assert (cursor, sorted(gaps)) == (15, ["13"])
    cursor, gaps = advance(cursor, gaps, set(), now + timedelta(minutes=10))
    assert (cursor, gaps) == (15, {})
