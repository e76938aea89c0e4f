"""Writing dossiers (hồ sơ công nghệ): create, change, delete; the index follows the outbox."""

from typing import Any

from sqlmodel import Session

from matcher.auth.policy import Policy
from matcher.models import Dossier, DossierCreate
from matcher.models.enums import DossierStatus
from matcher.services import screening
from matcher.services.checks import apply_changes, check_sectors
from matcher.services.commit import flush
from matcher.services.errors import Conflict


def create_dossier(session: Session, body: DossierCreate) -> Dossier:
    """A new dossier (its id is set when the caller commits)."""
    check_sectors(session, body.sector_codes)
    dossier = Dossier.model_validate(body)
    session.add(dossier)
    return dossier


def update_dossier(session: Session, policy: Policy, dossier_id: int,
                   changes: dict[str, Any]) -> Dossier:
    """The dossier with `changes` applied (validated as a whole); a merged duplicate is not
    changed (`Conflict`: its kept dossier is)."""
    dossier = policy.dossier(session, dossier_id)
    if dossier.status is DossierStatus.merged:
        raise Conflict(f"dossier {dossier_id} was merged into dossier {dossier.merged_into}: "
                       "change that one")
    check_sectors(session, changes.get("sector_codes"))
    apply_changes(session, dossier, changes, DossierCreate)
    return dossier


def delete_dossier(session: Session, policy: Policy, dossier_id: int) -> None:
    """Delete the dossier and its screening findings (the commit fails while introductions,
    transfers or event participants refer to it)."""
    dossier = policy.dossier(session, dossier_id)
    screening.forget(session, [dossier_id])
    flush(session, f"dossier {dossier_id}")  # the findings go first: they refer to it
    session.delete(dossier)
