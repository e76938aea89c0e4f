"""What a caller is shown of a record: dossiers without supplier contacts, needs in full,
anonymised or not at all (rules in `matcher.auth.visibility`)."""

from fastapi import HTTPException
from sqlmodel import Session

from api.crud import get_or_404
from matcher.auth.keys import Principal
from matcher.auth.visibility import View, anonymise_text, need_view, sees_contacts
from matcher.models import Dossier, DossierPublic, Enterprise, Need, NeedPublic
from matcher.suggestions import MatchList

ANONYMISED_TEXT = ("title", "problem", "desired_result")


def dossier_out(who: Principal, dossier: Dossier) -> DossierPublic:
    """The dossier, with the supplier contact only for intermediaries and admins."""
    shown = DossierPublic.model_validate(dossier)
    if not sees_contacts(who):
        shown.supplier_contact = None
    return shown


def view_of(session: Session, who: Principal, need: Need) -> tuple[View, Enterprise | None]:
    """How `who` may see `need`, and the need's enterprise."""
    enterprise = session.get(Enterprise, need.enterprise_id)
    return need_view(who, need, enterprise.jurisdiction if enterprise else None), enterprise


def need_out(session: Session, who: Principal, need: Need) -> NeedPublic | None:
    """The need as `who` may see it, or None when hidden from them."""
    view, enterprise = view_of(session, who, need)
    if view is View.hidden:
        return None
    shown = NeedPublic.model_validate(need)
    if view is View.anonymised:
        names = [enterprise.name, enterprise.tax_code] if enterprise else []
        for field in ANONYMISED_TEXT:
            setattr(shown, field, anonymise_text(getattr(shown, field), names))
        shown.enterprise_id, shown.ref, shown.anonymised = None, None, True
    return shown


def readable_need(session: Session, who: Principal, need_id: int,
                  *, full: bool = False) -> Need:
    """The need if `who` may see it (in full, when `full`); 404 otherwise, so that hidden
    needs are indistinguishable from missing ones."""
    need = get_or_404(session, Need, need_id)
    view, _ = view_of(session, who, need)
    if view is View.hidden or (full and view is not View.full):
        raise HTTPException(404, f"Need {need_id} not found")
    return need


def need_matches_out(session: Session, who: Principal, matches: MatchList) -> MatchList:
    """Need suggestions the caller may see, anonymised where their view says so."""
    shown = []
    for suggestion in matches.data:
        need = session.get(Need, suggestion.id)
        out = need_out(session, who, need) if need is not None else None
        if out is None:
            continue
        if out.anonymised:
            suggestion = suggestion.model_copy(update={"title": out.title})
        shown.append(suggestion)
    return matches.model_copy(update={"data": shown, "count": len(shown)})
