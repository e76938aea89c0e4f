"""What a caller is shown of a record, by the masks of its `Policy`: dossiers without supplier
contacts, needs in full or anonymised, introductions, transfers and participants without the
enterprise or need they concern when the caller may not know it."""


from sqlmodel import Session

from matcher.auth.policy import Hidden, Policy, View, anonymised, without_enterprise
from matcher.events.models import Participant, ParticipantPublic
from matcher.ledger.models import (
    Introduction,
    IntroductionEventPublic,
    IntroductionPublic,
    Transfer,
    TransferPublic,
)
from matcher.ledger.pipeline import current_status, events_of
from matcher.models import Dossier, DossierPublic, FindingPublic, Need, NeedPublic
from matcher.models.quality import assess_quality
from matcher.search.matches import MatchList
from matcher.services.screening import shown_findings


def dossier_out(session: Session, policy: Policy, dossier: Dossier) -> DossierPublic:
    """The dossier with its screening findings, the supplier contact only for those who see
    contacts and its completeness only for those who see quality."""
    return dossiers_out(session, policy, [dossier])[0]


def dossiers_out(session: Session, policy: Policy, rows: list[Dossier]) -> list[DossierPublic]:
    """Dossiers as `dossier_out` shows them, their findings read in one query."""
    findings = shown_findings(session, [d.id for d in rows if d.id is not None])
    shown = []
    for dossier in rows:
        out = DossierPublic.model_validate(dossier)
        out.findings = [FindingPublic.model_validate(f, from_attributes=True)
                        for f in findings.get(dossier.id or 0, [])]
        if not policy.sees_contacts():
            out.supplier_contact = None
        if policy.sees_quality():
            out.quality = assess_quality(dossier)
        shown.append(out)
    return shown


def need_out(session: Session, policy: Policy, need: Need) -> NeedPublic | None:
    """The need as the caller may see it, or None when hidden from them."""
    view = policy.view_of(session, need)
    if view is View.hidden:
        return None
    shown = NeedPublic.model_validate(need)
    if view is View.anonymised:
        shown = anonymised(session, need, shown)
        shown.enterprise_id, shown.ref, shown.anonymised = None, None, True
    return shown


def readable_need_out(session: Session, policy: Policy, need_id: int) -> NeedPublic:
    """The need with this id as the caller may see it; `Hidden` (a 404) when it may not."""
    shown = need_out(session, policy, policy.need(session, need_id))
    assert shown is not None  # policy.need raised otherwise
    return shown


def matches_for_dossier_out(session: Session, policy: Policy, matches: MatchList) -> MatchList:
    """A dossier's need suggestions the caller may see, anonymised where its view says so."""
    shown = []
    for suggestion in matches.data:
        try:
            need = policy.need(session, suggestion.id)
        except Hidden:
            continue
        shown.append(policy.shown(session, need, suggestion))
    return matches.model_copy(update={"data": shown, "count": len(shown)})


def need_as_seen(session: Session, policy: Policy, need: Need) -> Need:
    """The need itself, or for an anonymised view an unsaved copy whose texts are anonymised:
    matching it derives every text (restored text, translated terms, explanations) from what
    the caller may read, so no fragment of the enterprise's name comes back."""
    if policy.view_of(session, need) is not View.anonymised:
        return need
    texts = {f: anonymised(session, need, getattr(need, f))
             for f in ("title", "problem", "desired_result")}
    return Need.model_validate({**need.model_dump(), **texts})


def matches_for_need_out(session: Session, policy: Policy, need: Need,
                         matches: MatchList) -> MatchList:
    """A need's dossier suggestions; for an anonymised view, every text without the
    enterprise's identity (they were found for `need_as_seen`, with discreet explanations)."""
    return policy.shown(session, need, matches)


def introduction_out(session: Session, policy: Policy,
                     intro: Introduction) -> IntroductionPublic:
    """The introduction with its events and derived status; without its enterprise and need
    for callers who are not shown them."""
    assert intro.id is not None
    events = events_of(session, intro.id)
    shown = IntroductionPublic.model_validate(
        intro, update={"status": current_status(events),
                       "events": [IntroductionEventPublic.model_validate(e) for e in events]})
    if not policy.sees_identities():  # nor in what brokers noted of each step
        shown.events = without_enterprise(session, intro.enterprise_id, shown.events)
        shown.enterprise_id = shown.need_id = None
    return shown


def transfer_out(policy: Policy, transfer: Transfer) -> TransferPublic:
    """The transfer; without its enterprise for callers who are not shown it."""
    shown = TransferPublic.model_validate(transfer)
    if not policy.sees_identities():
        shown.enterprise_id = None
    return shown


def participant_out(session: Session, policy: Policy,
                    participant: Participant) -> ParticipantPublic:
    """The participant; its need only when the caller may see the need, its enterprise only
    when the caller may see the need in full."""
    shown = ParticipantPublic.model_validate(participant)
    view = View.full
    if participant.need_id is not None:
        need = session.get(Need, participant.need_id)
        view = policy.view_of(session, need) if need is not None else View.hidden
    if view is View.hidden:
        shown.need_id = None
    if view is not View.full or not policy.sees_identities():
        shown.enterprise_id = None
    return shown
