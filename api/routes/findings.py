"""Screening findings (kết quả rà soát): the Department confirms or dismisses one."""

from fastapi import APIRouter

from api.deps import RuntimeDep, SessionDep
from api.security import PolicyDep
from matcher.models.finding import FindingDecision, FindingPublic
from matcher.services import screening

router = APIRouter(prefix="/findings", tags=["findings"])


@router.post("/{finding_id}/decision", response_model=FindingPublic)
def decide_finding(session: SessionDep, runtime: RuntimeDep, policy: PolicyDep, finding_id: int,
                   body: FindingDecision) -> FindingPublic:
    """Confirm or dismiss a finding (`open` reopens it), audited; a dismissed finding no
    longer shows, nor blocks its dossier from suggestions."""
    finding = screening.decide(session, policy, finding_id, body)
    runtime.commit(session, f"finding {finding_id}")
    return FindingPublic.model_validate(finding, from_attributes=True)
