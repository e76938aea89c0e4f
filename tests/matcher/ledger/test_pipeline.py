"""The introduction pipeline: allowed changes, the derived status, clear refusals."""

from datetime import date

import pytest
from sqlmodel import select

from matcher.auth.policy import SYSTEM
from matcher.ledger.models import (
    DeclineReason,
    IntroductionEvent,
    IntroductionStatus,
    TransferCreate,
)
from matcher.ledger.pipeline import TransitionError, allowed, events_of, status_of
from matcher.ledger.service import (
    LedgerError,
    introduce,
    record_introduction,
    record_transfer,
    set_status,
)
from matcher.models.enums import TransferMode
from tests.matcher.ledger.world import World

DAY = date(2024, 3, 1)


def _intro(world: World, **kw):
    values = dict(dossier_id=world.korean.id, enterprise_id=world.agro.id, need_id=world.need.id,
                  on=DAY, channel="direct", actor="tester")
    values.update(kw)
    return introduce(world.session, **values, policy=SYSTEM)


def test_introduce_starts_introduced_with_one_event(world: World) -> None:
    intro = _intro(world)
    assert status_of(world.session, intro) == IntroductionStatus.introduced
    assert intro.introduced_on == DAY
    [event] = events_of(world.session, intro.id)
    assert (event.status, event.actor, event.happened_on) == ("introduced", "tester", DAY)


def test_full_path_to_transfer_appends_one_event_per_change(world: World) -> None:
    intro = _intro(world)
    set_status(world.session, intro, IntroductionStatus.interested, on=date(2024, 4, 1), actor="a")
    set_status(world.session, intro, IntroductionStatus.negotiating, on=date(2024, 5, 1), actor="a")
    transfer = record_transfer(world.session, intro, TransferCreate(
        contract_date=date(2024, 6, 1), value=50_000, currency="usd",
        mode=TransferMode.licence, registration_number="01/2024/GCN-SKHCN",
        registration_date=date(2024, 6, 20)))
    assert transfer.currency == "USD" and transfer.dossier_id == world.korean.id
    assert [e.status for e in events_of(world.session, intro.id)] == [
        "introduced", "interested", "negotiating", "transferred"]
    assert status_of(world.session, intro) == IntroductionStatus.transferred
    assert allowed(events_of(world.session, intro.id)) == set()


def test_skipping_a_stage_is_refused_with_the_allowed_ones(world: World) -> None:
    intro = _intro(world)
    with pytest.raises(TransitionError, match="cannot change status from introduced to "
                                              "negotiating; allowed: declined, interested, "
                                              "stalled"):
        set_status(world.session, intro, IntroductionStatus.negotiating, on=DAY, actor="a")


def test_transfer_needs_negotiation_first(world: World) -> None:
    intro = _intro(world)
    with pytest.raises(TransitionError, match="is introduced, not negotiating"):
        record_transfer(world.session, intro, TransferCreate(
            contract_date=DAY, mode=TransferMode.licence))


def test_transferred_only_through_a_contract(world: World) -> None:
    intro = _intro(world)
    with pytest.raises(TransitionError, match="record the signed contract"):
        set_status(world.session, intro, IntroductionStatus.transferred, on=DAY, actor="a")


def test_decline_needs_a_reason_and_is_final(world: World) -> None:
    intro = _intro(world)
    with pytest.raises(TransitionError, match="a decline needs a reason"):
        set_status(world.session, intro, IntroductionStatus.declined, on=DAY, actor="a")
    set_status(world.session, intro, IntroductionStatus.declined, on=DAY, actor="a",
               decline_reason=DeclineReason.cost)
    with pytest.raises(TransitionError, match=r"allowed: none \(the introduction is closed\)"):
        set_status(world.session, intro, IntroductionStatus.interested, on=DAY, actor="a")


def test_reason_only_on_a_decline(world: World) -> None:
    intro = _intro(world)
    with pytest.raises(TransitionError, match="only a decline takes a decline reason"):
        set_status(world.session, intro, IntroductionStatus.interested, on=DAY, actor="a",
                   decline_reason=DeclineReason.cost)


def test_stalled_resumes_at_its_stage_or_the_next(world: World) -> None:
    intro = _intro(world)
    set_status(world.session, intro, IntroductionStatus.interested, on=DAY, actor="a")
    set_status(world.session, intro, IntroductionStatus.stalled, on=DAY, actor="a")
    assert allowed(events_of(world.session, intro.id)) == {
        IntroductionStatus.interested, IntroductionStatus.negotiating, IntroductionStatus.declined}
    with pytest.raises(TransitionError):
        set_status(world.session, intro, IntroductionStatus.introduced, on=DAY, actor="a")
    set_status(world.session, intro, IntroductionStatus.negotiating, on=DAY, actor="a")
    assert status_of(world.session, intro) == IntroductionStatus.negotiating


def test_change_dated_before_the_last_one_is_refused(world: World) -> None:
    intro = _intro(world)
    with pytest.raises(TransitionError, match="2024-02-01 is before the last status change"):
        set_status(world.session, intro, IntroductionStatus.interested, on=date(2024, 2, 1),
                   actor="a")


def test_suggestion_is_not_introduced_until_it_is(world: World) -> None:
    intro = _intro(world, suggest_only=True)
    assert intro.introduced_on is None and status_of(world.session, intro) == "suggested"
    set_status(world.session, intro, IntroductionStatus.introduced, on=date(2024, 5, 5), actor="a")
    assert intro.introduced_on == date(2024, 5, 5)


def test_status_change_appends_and_keeps_earlier_events(world: World) -> None:
    intro = _intro(world)
    [first] = events_of(world.session, intro.id)
    set_status(world.session, intro, IntroductionStatus.stalled, on=DAY, actor="b", note="no reply")
    rows = world.session.exec(select(IntroductionEvent)).all()
    assert [(e.id, e.status) for e in rows] == [(first.id, "introduced"), (rows[1].id, "stalled")]
    assert status_of(world.session, intro) == IntroductionStatus.stalled


def test_need_of_another_enterprise_is_refused(world: World) -> None:
    with pytest.raises(LedgerError, match=f"need {world.need.id} belongs to enterprise "
                                          f"{world.agro.id}, not {world.mech.id}"):
        _intro(world, enterprise_id=world.mech.id)


def test_unknown_dossier_and_channel_are_refused(world: World) -> None:
    with pytest.raises(LedgerError, match="no dossier with id 999"):
        _intro(world, dossier_id=999)
    with pytest.raises(LedgerError, match="unknown channel 'fax'"):
        _intro(world, channel="fax")


def test_record_introduction_is_the_events_hook(world: World) -> None:
    """The call matcher.events.outcomes makes when a B2B meeting is held."""
    intro = record_introduction(world.session, dossier_id=world.korean.id,
                                enterprise_id=world.agro.id, need_id=world.need.id,
                                channel="event", note="event 1, meeting 7", policy=SYSTEM)
    [event] = events_of(world.session, intro.id)
    assert (intro.channel, intro.introduced_on) == ("event", date.today())
    assert (event.actor, event.note) == ("events", "event 1, meeting 7")
    with pytest.raises(LedgerError, match="an introduction needs a dossier and an enterprise"):
        record_introduction(world.session, dossier_id=None, enterprise_id=world.agro.id,
                            policy=SYSTEM)
