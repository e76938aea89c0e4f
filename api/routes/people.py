"""People acting for an intermediary organisation."""

from fastapi import APIRouter
from sqlmodel import col, select

from api.crud import get_or_404
from api.deps import SessionDep
from api.security import PolicyDep
from matcher.ledger.models import Intermediary, Person, PersonCreate, PersonPublic

router = APIRouter(prefix="/ledger/intermediaries/{intermediary_id}/people", tags=["ledger"])


@router.get("", response_model=list[PersonPublic])
def read_people(session: SessionDep, intermediary_id: int) -> list[Person]:
    """The people acting for an intermediary."""
    get_or_404(session, Intermediary, intermediary_id)
    return list(session.exec(select(Person).where(Person.intermediary_id == intermediary_id)
                             .order_by(col(Person.id))))


@router.post("", response_model=PersonPublic, status_code=201)
def create_person(session: SessionDep, policy: PolicyDep, intermediary_id: int,
                  body: PersonCreate) -> Person:
    """Add a person acting for an intermediary of the caller's jurisdiction."""
    organisation = get_or_404(session, Intermediary, intermediary_id)
    policy.check_jurisdiction_write(organisation.jurisdiction, "intermediaries")
    person = Person.model_validate(body, update={"intermediary_id": intermediary_id})
    session.add(person)
    session.commit()
    session.refresh(person)
    return person
