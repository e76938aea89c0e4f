"""Duplicate dossiers across sources: the likely duplicates of a dossier, merging one into the
dossier kept, and the sources a dossier keeps."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.deps import RuntimeDep, SessionDep
from api.security import PolicyDep
from api.views import dossier_out
from matcher.catalogue import merging
from matcher.catalogue.duplicates import DuplicateDetector, LikelyDuplicate
from matcher.catalogue.models import SourcesPublic
from matcher.models import DossierPublic
from matcher.models.fields import MAX_INT
from matcher.search.documents import dossier_document

router = APIRouter(prefix="/dossiers", tags=["dossiers"])


def get_detector(runtime: RuntimeDep) -> DuplicateDetector:
    """The duplicate detector over the runtime's index, with its lexicon."""
    return DuplicateDetector(runtime.index, runtime.matches.queries)


DetectorDep = Annotated[DuplicateDetector, Depends(get_detector)]


class LikelyDuplicates(BaseModel):
    data: list[LikelyDuplicate]
    count: int


class DossierCreated(DossierPublic):
    """A new dossier with the stored ones it likely duplicates (a warning: it is created)."""

    duplicates: list[LikelyDuplicate] = Field(
        default_factory=list, description="Likely duplicates already stored, best first: "
        "merge one into the other with `POST /dossiers/{id}/merge`.")


class MergeRequest(BaseModel):
    into: int = Field(ge=1, le=MAX_INT, description="The id of the dossier kept.")


@router.get("/{dossier_id}/duplicates", response_model=LikelyDuplicates)
def read_dossier_duplicates(session: SessionDep, policy: PolicyDep, detector: DetectorDep,
                            dossier_id: int) -> LikelyDuplicates:
    """Dossiers that likely describe the same technology (dense and lexical likeness above
    the measured threshold, across languages), best first; merged dossiers are left out."""
    dossier = policy.dossier(session, dossier_id)
    found = detector.find(dossier_document(dossier), policy.unreadable_dossiers(session))
    return LikelyDuplicates(data=found, count=len(found))


@router.post("/{dossier_id}/merge", response_model=DossierPublic)
def merge_dossier(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, dossier_id: int,
                  body: MergeRequest) -> DossierPublic:
    """Merge this dossier (a duplicate) into dossier `into`, which keeps its source reference;
    the duplicate leaves search and matching, and reading it names the kept one
    (`merged_into`). Answers the kept dossier."""
    kept = merging.merge_dossier(session, policy, dossier_id, body.into)
    runtime.commit(session, f"merge of dossier {dossier_id}")
    return dossier_out(session, policy, kept)


@router.get("/{dossier_id}/sources", response_model=SourcesPublic)
def read_dossier_sources(session: SessionDep, policy: PolicyDep,
                         dossier_id: int) -> SourcesPublic:
    """Where the dossier came from: its own source, then those of the duplicates merged into
    it (who merged them: shown to brokers only)."""
    data = merging.sources_of(session, policy, dossier_id)
    return SourcesPublic(data=data, count=len(data))
