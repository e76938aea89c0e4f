"""Merging a duplicate dossier into the one kept (gộp hồ sơ trùng lặp), and reading the
sources a dossier keeps.

The merged dossier stays in the database with status `merged` and `merged_into` set: it
leaves search and matching (only active dossiers are suggested), reading it points to the
kept one, and introductions, transfers and event participants that name it stay valid and
keep telling what was introduced at the time. The kept dossier gains a `DossierSource` row
with the duplicate's source, external reference and id; sources the duplicate had kept
itself move with it, and dossiers merged into the duplicate are re-pointed, so a chain of
merges always ends one step away. Every row written is audited with the session's actor.
"""

from sqlmodel import Session, col, select

from matcher.auth.models import Role
from matcher.auth.policy import Policy, Refused
from matcher.catalogue.models import DossierSource, SourcePublic
from matcher.models import Dossier
from matcher.models.enums import DossierStatus
from matcher.models.fields import utcnow
from matcher.services.errors import Conflict, Invalid, referenced


def check_catalogue_write(policy: Policy) -> None:
    """`Refused` unless the caller keeps the catalogue: an admin or an intermediary, of any
    province (dossiers are one national catalogue, not records of a province)."""
    if policy.who.role not in (Role.admin, Role.intermediary):
        raise Refused("only an admin or an intermediary merges dossiers")


def merge_dossier(session: Session, policy: Policy, dossier_id: int, into: int) -> Dossier:
    """Merge dossier `dossier_id` into dossier `into`; returns the kept dossier. The caller
    commits."""
    duplicate = policy.dossier(session, dossier_id)
    with referenced("into"):
        kept = policy.dossier(session, into)
    check_catalogue_write(policy)
    if duplicate.status is DossierStatus.merged:
        raise Conflict(f"dossier {dossier_id} was already merged into dossier "
                       f"{duplicate.merged_into}")
    if kept.id == duplicate.id:
        raise Invalid.at(["body", "into"], "a dossier cannot be merged into itself")
    if kept.status is DossierStatus.merged:
        raise Invalid.at(["body", "into"], f"dossier {kept.id} was merged into dossier "
                                           f"{kept.merged_into}: merge into that one")
    assert kept.id is not None and duplicate.id is not None  # both stored
    for moved in session.exec(select(DossierSource)
                              .where(DossierSource.dossier_id == duplicate.id)):
        moved.dossier_id = kept.id  # type: ignore[assignment]
        session.add(moved)
    for earlier in session.exec(select(Dossier).where(Dossier.merged_into == duplicate.id)):
        earlier.merged_into = kept.id
        session.add(earlier)
    session.add(DossierSource(dossier_id=kept.id, merged_dossier_id=duplicate.id,
                              source=duplicate.source, source_ref=duplicate.source_ref,
                              ref=duplicate.ref, title=duplicate.title,
                              merged_by=str(policy.who)[:300]))
    duplicate.status = DossierStatus.merged
    duplicate.merged_into = kept.id
    duplicate.updated_at = utcnow()
    session.add(duplicate)
    return kept


def sources_of(session: Session, policy: Policy, dossier_id: int) -> list[SourcePublic]:
    """The dossier's own source first, then those of the duplicates merged into it, oldest
    merge first."""
    dossier = policy.dossier(session, dossier_id)
    own = SourcePublic(dossier_id=dossier.id or 0, source=dossier.source,
                       source_ref=dossier.source_ref, ref=dossier.ref, title=dossier.title)
    merged = session.exec(select(DossierSource).where(DossierSource.dossier_id == dossier.id)
                          .order_by(col(DossierSource.merged_at), col(DossierSource.id))).all()
    return [own, *(SourcePublic(dossier_id=s.merged_dossier_id, source=s.source,
                                source_ref=s.source_ref, ref=s.ref, title=s.title,
                                merged_at=s.merged_at,
                                merged_by=s.merged_by if policy.sees_contacts() else None)
                   for s in merged)]
