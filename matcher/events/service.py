"""Pair and schedule a stored event: load it, run the pure solvers, write the meetings back."""

from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from matcher.events.checker import check_schedule
from matcher.events.models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingSource,
    MeetingStatus,
    Participant,
    ParticipantKind,
    RequestStatus,
)
from matcher.events.pairing import DEFAULT_MIN_SCORE, Pair, pair_greedy, pair_optimal
from matcher.events.scheduling import backfill, schedule
from matcher.models.fields import aware

ACTIVE = (MeetingStatus.planned, MeetingStatus.scheduled, MeetingStatus.dropped)
DONE = (MeetingStatus.held, MeetingStatus.no_show)


class DropPublic(BaseModel):
    meeting_id: int | None
    supplier_participant_id: int
    enterprise_participant_id: int
    reason: str
    message: str


class PairingReport(BaseModel):
    meetings: int = Field(description="Meetings planned, kept ones included.")
    kept: int = Field(description="Locked meetings and accepted requests kept as they were.")
    total_score: float = Field(description="Total score of the meetings planned.")
    optimum: float = Field(description="Total score of the chosen pairing, before the trial "
                           "schedule (the optimum under the caps, or greedy's total).")
    bound: float | None = Field(description="LP upper bound on the total score (None for "
                                "greedy, which computes none).")
    gap: float | None = Field(description="bound − optimum: 0 up to rounding for the exact "
                              "solver.")
    eligible: int = Field(description="Candidate pairs left after caps and minimum score.")
    solver: str
    seconds: float
    backfilled: int = Field(0, description="Meetings added to fill seats that the chosen "
                            "meetings could not use (a trial schedule showed them free).")
    unschedulable: list[DropPublic] = Field(
        default_factory=list, description="Chosen meetings the trial schedule could not place "
        "(not kept), with the reason.")
    over_capacity: dict[int, int] = Field(
        default_factory=dict, description="Participant → kept meetings beyond its cap.")


class ScheduleReport(BaseModel):
    placed: int
    dropped: list[DropPublic]
    max_degree: int = Field(description="Most meetings of one participant (colours needed).")
    slots: int
    tables: int
    seconds: float
    violations: list[str] = Field(description="Independent checker findings; empty = valid.")


def now() -> datetime:
    return datetime.now(UTC)


def pid(person: Participant) -> int:
    """The id of a stored participant."""
    assert person.id is not None
    return person.id


def slot_numbers(event: Event) -> list[int]:
    return list(range(1, len(event.slot_starts) + 1))


def participants(session: Session, event_id: int) -> list[Participant]:
    rows = session.exec(select(Participant).where(Participant.event_id == event_id)
                        .order_by(col(Participant.id)))
    return list(rows.all())


def meetings(session: Session, event_id: int, *statuses: MeetingStatus) -> list[Meeting]:
    query = select(Meeting).where(Meeting.event_id == event_id)
    if statuses:
        query = query.where(col(Meeting.status).in_(statuses))
    return list(session.exec(query.order_by(col(Meeting.id))).all())


def availability(event: Event, people: Iterable[Participant]) -> dict[int, frozenset[int]]:
    """Slots each participant can attend, for those who named any."""
    slots = set(slot_numbers(event))
    return {pid(p): frozenset(s for s in p.available_slots if s in slots)
            for p in people if p.available_slots}


def caps(event: Event, people: Iterable[Participant]) -> dict[int, int]:
    """Meetings a participant can have: its maximum, and no more than the slots it can attend."""
    people = list(people)
    free = availability(event, people)
    total = len(event.slot_starts)
    return {pid(p): min(p.max_meetings, len(free.get(pid(p), range(total)))) for p in people}


def expire_requests(session: Session, event_id: int, moment: datetime | None = None) -> int:
    """Mark pending requests past their expiry as expired; returns how many."""
    moment = moment or now()
    rows = session.exec(select(MeetingRequest).where(
        MeetingRequest.event_id == event_id, MeetingRequest.status == RequestStatus.pending))
    count = 0
    for request in rows.all():
        if request.expires_at is not None and aware(request.expires_at) <= moment:
            request.status = RequestStatus.expired
            session.add(request)
            count += 1
    return count


def answered_pairs(session: Session, event_id: int, kinds: dict[int, ParticipantKind]
                   ) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(supplier, enterprise) pairs whose latest answered request was accepted, and those whose
    latest was declined: a decline is never booked, a later acceptance of the pair wins."""
    rows = session.exec(select(MeetingRequest).where(
        MeetingRequest.event_id == event_id,
        col(MeetingRequest.status).in_((RequestStatus.accepted, RequestStatus.declined)))
        .order_by(col(MeetingRequest.responded_at), col(MeetingRequest.id)))
    latest: dict[tuple[int, int], RequestStatus] = {}
    for request in rows.all():
        pair = request_pair(request, kinds)
        if pair is not None:
            latest[pair] = RequestStatus(request.status)
    return ({p for p, s in latest.items() if s == RequestStatus.accepted},
            {p for p, s in latest.items() if s == RequestStatus.declined})


def request_pair(request: MeetingRequest, kinds: dict[int, ParticipantKind]
                 ) -> tuple[int, int] | None:
    """The (supplier, enterprise) pair a request is about, whichever side asked."""
    a, b = request.requester_id, request.target_id
    if kinds.get(a) == ParticipantKind.enterprise:
        a, b = b, a
    if kinds.get(a) == ParticipantKind.supplier and kinds.get(b) == ParticipantKind.enterprise:
        return a, b
    return None


def cancel_declined(session: Session, request: MeetingRequest) -> int:
    """After a decline: the pair's meetings that pairing made and nobody locked or held are
    cancelled (never proposed again); returns how many."""
    kinds = {pid(p): p.kind for p in participants(session, request.event_id)}
    pair = request_pair(request, kinds)
    if pair is None:
        return 0
    rows = session.exec(select(Meeting).where(
        Meeting.event_id == request.event_id, Meeting.supplier_participant_id == pair[0],
        Meeting.enterprise_participant_id == pair[1], col(Meeting.status).in_(ACTIVE),
        col(Meeting.locked).is_(False)))
    count = 0
    for meeting in rows.all():
        meeting.status, meeting.slot, meeting.table = MeetingStatus.cancelled, None, None
        meeting.drop_reason = f"meeting request {request.id} was declined"
        session.add(meeting)
        count += 1
    return count


def pair_event(session: Session, event: Event, candidates: Iterable[Pair],
               min_score: float = DEFAULT_MIN_SCORE, greedy: bool = False,
               fill: bool = True) -> PairingReport:
    """Replace the event's unlocked planned meetings with the best set under the caps; locked,
    held and accepted-request meetings are kept, cancelled pairs and pairs whose request was
    declined are never proposed; other pairs scoring below `min_score` are not either.
    With `fill`, a trial schedule finds seats the chosen set cannot use (availability) and the
    best remaining candidates that fit there are added. The caller commits."""
    assert event.id is not None
    expire_requests(session, event.id)
    people = participants(session, event.id)
    kinds = {pid(p): p.kind for p in people}
    free = availability(event, people)
    everyone = frozenset(slot_numbers(event))
    existing = meetings(session, event.id)
    kept = {(m.supplier_participant_id, m.enterprise_participant_id): m for m in existing
            if m.locked or m.status in DONE}
    accepted, declined = answered_pairs(session, event.id, kinds)
    banned = {(m.supplier_participant_id, m.enterprise_participant_id) for m in existing
              if m.status == MeetingStatus.cancelled} | (declined - set(kept))
    requested = accepted - banned
    scores: dict[tuple[int, int], float] = {}
    for s, e, score in candidates:
        if kinds.get(s) == ParticipantKind.supplier and kinds.get(e) == ParticipantKind.enterprise \
                and (s, e) not in banned and free.get(s, everyone) & free.get(e, everyone):
            scores[(s, e)] = max(score, scores.get((s, e), 0.0))
    required = [Pair(s, e, kept[(s, e)].score if (s, e) in kept else scores.get((s, e), 0.0))
                for s, e in set(kept) | requested]
    solve = pair_greedy if greedy else pair_optimal
    limits = caps(event, people)
    pool = [Pair(s, e, v) for (s, e), v in scores.items() if v >= min_score]
    result = solve(pool, limits, required, min_score, len(event.slot_starts) * event.table_count)
    chosen, added, doomed = result.chosen, [], []
    if fill:
        fixed = _fixed(kept.values())
        trial = schedule([p for p in chosen if (p.supplier, p.enterprise) not in fixed],
                         slot_numbers(event), event.table_count, free, fixed, limits)
        must = set(kept) | requested
        doomed = [d for d in trial.dropped if (d.supplier, d.enterprise) not in must]
        gone = {(d.supplier, d.enterprise) for d in doomed}
        chosen = [p for p in chosen if (p.supplier, p.enterprise) not in gone]
        added = backfill(trial, pool, limits, slot_numbers(event), event.table_count, free)
    for meeting in existing:
        key = (meeting.supplier_participant_id, meeting.enterprise_participant_id)
        if key not in kept and meeting.status in ACTIVE:
            session.delete(meeting)
    session.flush()
    for pair in chosen + [Pair(p.supplier, p.enterprise, p.score) for p in added]:
        key = (pair.supplier, pair.enterprise)
        if key in kept:
            continue
        source = MeetingSource.request if key in requested else MeetingSource.pairing
        session.add(Meeting.model_validate({
            "event_id": event.id, "supplier_participant_id": pair.supplier,
            "enterprise_participant_id": pair.enterprise, "score": pair.score,
            "source": source}))
    session.flush()
    return PairingReport(meetings=len(chosen) + len(added), kept=len(result.required),
                         total_score=round(sum(p.score for p in chosen)
                                           + sum(p.score for p in added), 6),
                         optimum=round(result.total, 6),
                         bound=None if greedy else round(result.bound, 6),
                         gap=None if greedy else round(result.gap, 6), eligible=result.eligible,
                         solver=result.solver, seconds=round(result.seconds, 4),
                         backfilled=len(added),
                         unschedulable=[DropPublic(meeting_id=None,
                                                   supplier_participant_id=d.supplier,
                                                   enterprise_participant_id=d.enterprise,
                                                   reason=d.reason, message=d.message)
                                        for d in doomed],
                         over_capacity=result.over_capacity)


def _fixed(rows: Iterable[Meeting]) -> dict[tuple[int, int], tuple[int, int | None]]:
    return {(m.supplier_participant_id, m.enterprise_participant_id): (m.slot, m.table)
            for m in rows if (m.locked or m.status in DONE) and m.slot is not None}


def schedule_event(session: Session, event: Event) -> ScheduleReport:
    """Give every planned meeting a slot and table (locked ones stay put); mark the rest
    dropped with the reason. Raises ValueError when locked meetings contradict each other.
    The caller commits."""
    assert event.id is not None
    people = participants(session, event.id)
    rows = meetings(session, event.id, *ACTIVE, *DONE)
    by_key = {(m.supplier_participant_id, m.enterprise_participant_id): m for m in rows}
    fixed = _fixed(rows)
    todo = [Pair(s, e, m.score) for (s, e), m in by_key.items()
            if (s, e) not in fixed and m.status in ACTIVE]
    result = schedule(todo, slot_numbers(event), event.table_count,
                      availability(event, people), fixed, caps(event, people))
    for place in result.placed:
        meeting = by_key[(place.supplier, place.enterprise)]
        meeting.slot, meeting.table = place.slot, place.table
        if meeting.status in ACTIVE:
            meeting.status, meeting.drop_reason = MeetingStatus.scheduled, ""
        session.add(meeting)
    drops = []
    for drop in result.dropped:
        meeting = by_key[(drop.supplier, drop.enterprise)]
        meeting.slot = meeting.table = None
        meeting.status, meeting.drop_reason = MeetingStatus.dropped, drop.message
        session.add(meeting)
        drops.append(DropPublic(meeting_id=meeting.id or 0, supplier_participant_id=drop.supplier,
                                enterprise_participant_id=drop.enterprise, reason=drop.reason,
                                message=drop.message))
    session.flush()
    return ScheduleReport(placed=len(result.placed), dropped=drops, max_degree=result.max_degree,
                          slots=len(event.slot_starts), tables=event.table_count,
                          seconds=round(result.seconds, 4), violations=check_event(session, event))


def check_event(session: Session, event: Event) -> list[str]:
    """Run the independent checker over the event's placed meetings."""
    assert event.id is not None
    people = participants(session, event.id)
    rows = meetings(session, event.id, MeetingStatus.scheduled, *DONE)
    placed = [(m.supplier_participant_id, m.enterprise_participant_id, m.slot, m.table)
              for m in rows if m.slot is not None and m.table is not None]
    unplaced = [f"meeting {m.id} is {m.status} without a slot and table"
                for m in rows if m.slot is None or m.table is None]
    locked = _fixed(m for m in meetings(session, event.id) if m.locked)
    return unplaced + check_schedule(placed, slot_numbers(event), event.table_count,
                                     availability(event, people), locked, caps(event, people))

