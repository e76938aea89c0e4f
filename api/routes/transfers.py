"""Signed technology transfer contracts (chuyển giao công nghệ), as the caller may see them;
a contract is recorded on its introduction (`POST /introductions/{id}/transfer`)."""

from fastapi import APIRouter
from sqlmodel import col, select

from api.crud import Limit, Skip, page
from api.deps import SessionDep
from api.filters import JurisdictionFilter
from api.security import PolicyDep
from api.views import transfer_out
from matcher.ledger.models import Transfer, TransfersPublic
from matcher.models import Enterprise

router = APIRouter(prefix="/ledger/transfers", tags=["ledger"])


@router.get("", response_model=TransfersPublic)
def read_transfers(session: SessionDep, policy: PolicyDep, skip: Skip = 0, limit: Limit = 20,
                   jurisdiction: JurisdictionFilter = None) -> TransfersPublic:
    """Signed transfer contracts, optionally of one jurisdiction's enterprises."""
    where = [policy.transfer_rows()]
    if jurisdiction:
        ids = select(Enterprise.id).where(Enterprise.jurisdiction == jurisdiction)
        where.append(col(Transfer.enterprise_id).in_(ids))
    rows, count = page(session, Transfer, skip, limit, *where)
    return TransfersPublic(data=[transfer_out(policy, r) for r in rows], count=count)
