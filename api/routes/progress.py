"""Progress (tiến độ) of a jurisdiction against its plan's targets."""

from datetime import date

from fastapi import APIRouter, HTTPException

from api.deps import SessionDep
from matcher.ledger.progress import NoPlan, Progress, progress

router = APIRouter(prefix="/progress", tags=["progress"])


@router.get("", response_model=Progress)
def read_progress(session: SessionDep, jurisdiction: str, as_of: date | None = None,
                  period: str | None = None, since: date | None = None) -> Progress:
    """Value, target, percent and pace per indicator, with breakdowns of counted dossiers."""
    try:
        return progress(session, jurisdiction, as_of, period, since)
    except NoPlan as exc:
        raise HTTPException(404, str(exc)) from exc
