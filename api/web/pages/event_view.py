"""What the event pages show of one event, shared by `events` and `event_schedule`: the event if
the caller runs it, its texts without any enterprise's identity for organisers, and the event
page itself (participants, requests, meetings, the outcome form) read through the API's route
functions with the caller's policy."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import Response

from api.routes import meeting_requests, outcomes
from api.routes import meetings as meeting_routes
from api.views import need_out, participant_out
from api.web.caller import Caller
from api.web.i18n import N_, translations
from api.web.render import render
from matcher.auth.policy import Hidden, without_enterprise
from matcher.events.agenda import slot_times
from matcher.events.models import Event, Participant, ParticipantKind, ParticipantPublic
from matcher.events.service import participants
from matcher.models import Need
from matcher.models.fields import MAX_INT

T = TypeVar("T")
KINDS = {"supplier": N_("Supplier"), "enterprise": N_("Enterprise")}
REQUEST_STATUS = {"pending": N_("Pending"), "accepted": N_("Accepted"),
                  "declined": N_("Declined"), "expired": N_("Expired")}
MEETING_STATUS = {"planned": N_("Planned"), "scheduled": N_("Scheduled"),
                  "dropped": N_("Not scheduled"), "held": N_("Held"),
                  "no_show": N_("No-show"), "cancelled": N_("Cancelled")}
RATINGS = {"cooperation_possible": N_("Cooperation possible"),
           "informative_no_cooperation": N_("Informative, no cooperation"),
           "insufficient_interest": N_("Insufficient interest"),
           "did_not_take_place": N_("Did not take place")}
FOLLOW_UPS = {"no_further_contact": N_("No further contact"),
              "negotiation_started": N_("Negotiation started"),
              "agreement_reached": N_("Agreement reached")}
# why the scheduler left a meeting out: a phrase of its message → the page's words
DROP_REASONS = [
    ("share no free available slot", N_("No slot both can attend.")),
    ("maximum", N_("One of them has more meetings than their maximum.")),
    ("fit its free slots", N_("One of them has more meetings than free slots.")),
    ("tables are taken", N_("All tables are taken in the slots both can attend.")),
    ("more meetings than", N_("More meetings than slots × tables.")),
    ("already booked", N_("In every slot both can attend, one of them is already booked.")),
]
NOTES = {"accepted": N_("The request was accepted."),
         "declined": N_("The request was declined."),
         "not_pending": N_("This request was already answered or has expired."),
         "schedule_failed": N_("Locked meetings contradict each other (same slot, participant "
                               "or table): nothing was scheduled."),
         "outcome": N_("The outcome was recorded."),
         "follow_up_moved": N_("The follow-up was recorded and the meeting's introduction "
                               "moved along the pipeline."),
         "follow_up_kept": N_("The follow-up was recorded; the meeting's introduction was not "
                              "moved (closed, already further, or not yours to change)."),
         "not_deletable": N_("The event cannot be deleted: a meeting was held there.")}


def staff_event(caller: Caller, event_id: int) -> Event:
    """The event if the caller runs events of its province (every event for the Department);
    another province's event reads as a missing one (`Hidden`: 404)."""
    event = caller.session.get(Event, event_id) if 0 < event_id <= MAX_INT else None
    if event is None or not caller.policy.writes_in(event.jurisdiction):
        raise Hidden("event", event_id)
    return event


def unnamed(caller: Caller, people: list[Participant]) -> Callable[[T], T]:
    """For callers not shown identities (organisers): a text (or list of texts) without the
    name or tax code of any enterprise at the event; for the others, the text as it is."""
    if caller.policy.sees_identities():
        return lambda value: value
    ids = sorted({p.enterprise_id for p in people if p.enterprise_id is not None})

    def scrub(value: T) -> T:
        for enterprise_id in ids:
            value = without_enterprise(caller.session, enterprise_id, value)
        return value

    return scrub


def slot_label(event: Event, slot: int | None) -> str:
    """`2 · 09:30 24/11`: the slot's number and start (the event's local time)."""
    if slot is None or not 0 < slot <= len(event.slot_starts):
        return "—"
    return f"{slot} · {slot_times(event, slot)[0]:%H:%M %d/%m}"


def drop_reason(message: str) -> str:
    return next((words for phrase, words in DROP_REASONS if phrase in message), message)


@dataclass
class Row:
    """A participant as the page shows it: what the API shows, and the topic it brings."""

    shown: ParticipantPublic
    topic: str | None  # None: a need the caller may not see


def topic(caller: Caller, person: Participant) -> str | None:
    """The dossier's title, or the need's title as the caller may see it (None when hidden)."""
    if person.kind == ParticipantKind.supplier:
        try:
            return caller.policy.dossier(caller.session, person.dossier_id).title
        except Hidden:
            return None
    need = caller.session.get(Need, person.need_id) if person.need_id else None
    shown = need_out(caller.session, caller.policy, need) if need is not None else None
    return shown.title if shown is not None else None


def people_of(caller: Caller, event: Event) -> tuple[list[Participant], Callable[[T], T]]:
    people = participants(caller.session, event.id or 0)
    return people, unnamed(caller, people)


def event_view(request: Request, caller: Caller, event: Event, status: int = 200,
               **extra: Any) -> Response:
    """The event's page, with `extra` (a summary, a form's values and errors, import errors)."""
    session, event_id = caller.session, event.id or 0
    people, scrub = people_of(caller, event)
    rows = []
    for person in people:
        shown = participant_out(session, caller.policy, person)
        shown.name, shown.organisation = scrub(shown.name), scrub(shown.organisation)
        rows.append(Row(shown, topic(caller, person)))
    names = {row.shown.id: f"{row.shown.ref} · {row.shown.name}" for row in rows}
    requests = meeting_requests.read_requests(session=session, event_id=event_id).data
    for item in requests:
        item.reason = scrub(item.reason)
    meetings = meeting_routes.read_meetings(session=session, event_id=event_id, skip=0,
                                            limit=5000).data
    for meeting in meetings:
        meeting.notes = scrub(meeting.notes)
    context: dict[str, Any] = {
        "event": event, "rows": rows, "names": names, "requests": requests,
        "meetings": meetings, "outcome": outcomes.read_outcomes(session=session,
                                                                event_id=event_id),
        "rateable": [m for m in meetings if m.status in ("scheduled", "held", "no_show")],
        "slot_label": slot_label, "drop_reason": drop_reason, "KINDS": KINDS,
        "REQUEST_STATUS": REQUEST_STATUS, "MEETING_STATUS": MEETING_STATUS,
        "RATINGS": RATINGS, "FOLLOW_UPS": FOLLOW_UPS, "NOTES": NOTES, "summary": {},
        "errors": {}, "values": {}, "import_errors": []}
    gettext = translations(caller.lang).gettext
    context.update({
        "status_options": [(k, gettext(MEETING_STATUS[k])) for k in ("held", "no_show")],
        "rating_options": [(k, gettext(v)) for k, v in RATINGS.items()],
        "follow_options": [(k, gettext(v)) for k, v in FOLLOW_UPS.items()],
        "meeting_options": [(m.id, f"#{m.id} · {slot_label(event, m.slot)} · "
                             f"{names.get(m.supplier_participant_id, '')} ↔ "
                             f"{names.get(m.enterprise_participant_id, '')}")
                            for m in context["rateable"]]})
    context.update(extra)
    return render(request, "events/event.html", caller, status=status, **context)
