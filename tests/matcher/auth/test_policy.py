"""The access policy's two forms of one rule agree: the SQL conditions that select rows
(`need_rows`, `introduction_rows`, `transfer_rows`) and the per-record answers (`need_view`,
`need`), for every role × confidentiality × province, on a real database."""

from datetime import date

import pytest
from sqlmodel import Session, select

from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.auth.policy import Hidden, Policy, View
from matcher.ledger.models import Introduction, Transfer
from matcher.models import Dossier, DossierCreate, Enterprise, EnterpriseCreate, Need
from matcher.models.enums import Confidentiality
from tests.factories import dossier_payload, enterprise_payload, tax_code

CALLERS = {
    "admin": Principal(Role.admin),
    "broker BG": Principal(Role.intermediary, jurisdiction="BG"),
    "broker HP": Principal(Role.intermediary, jurisdiction="HP"),
    "organiser BG": Principal(Role.organiser, jurisdiction="BG"),
    "enterprise 1": Principal(Role.enterprise, enterprise_id=1),
    "nobody": Principal(),
}


@pytest.fixture
def world(session: Session) -> Session:
    """Two enterprises (BG, HP), a need of each confidentiality for each, an introduction of
    each need and a transfer of each introduction."""
    dossier = Dossier.model_validate(DossierCreate.model_validate(dossier_payload()))
    session.add(dossier)
    for jurisdiction in ("BG", "HP"):
        enterprise = Enterprise.model_validate(EnterpriseCreate.model_validate(
            enterprise_payload(tax_code=tax_code("24"), jurisdiction=jurisdiction)))
        session.add(enterprise)
        session.flush()
        for level in Confidentiality:
            need = Need(enterprise_id=enterprise.id, problem="Sấy vải thiều", confidentiality=level)
            session.add(need)
            session.flush()
            intro = Introduction(dossier_id=dossier.id, enterprise_id=enterprise.id,
                                 need_id=need.id)
            session.add(intro)
            session.flush()
            session.add(Transfer(introduction_id=intro.id, dossier_id=dossier.id,
                                 enterprise_id=enterprise.id, contract_date=date(2026, 1, 1),
                                 mode="licence"))
    session.commit()
    return session


@pytest.mark.parametrize("caller", CALLERS)
def test_the_rows_a_caller_reads_are_the_needs_it_sees(world: Session, caller: str) -> None:
    policy = Policy(CALLERS[caller])
    rows = set(world.exec(select(Need.id).where(policy.need_rows())).all())
    seen = {n.id for n in world.exec(select(Need)).all()
            if policy.view_of(world, n) is not View.hidden}
    assert rows == seen
    for need in world.exec(select(Need)).all():
        if need.id in seen:
            assert policy.need(world, need.id).id == need.id
        else:
            with pytest.raises(Hidden, match=f"no need with id {need.id}"):
                policy.need(world, need.id)


@pytest.mark.parametrize("caller", CALLERS)
def test_introductions_and_transfers_follow_their_need(world: Session, caller: str) -> None:
    policy = Policy(CALLERS[caller])
    needs = set(world.exec(select(Need.id).where(policy.need_rows())).all())
    intros = world.exec(select(Introduction).where(policy.introduction_rows())).all()
    expected = {i.id for i in world.exec(select(Introduction)).all() if i.need_id in needs}
    if CALLERS[caller].role is Role.enterprise:  # and its own, whatever their need
        expected = {i.id for i in world.exec(select(Introduction)).all()
                    if i.enterprise_id == CALLERS[caller].enterprise_id}
    assert {i.id for i in intros} == expected
    transfers = world.exec(select(Transfer).where(policy.transfer_rows())).all()
    assert {t.introduction_id for t in transfers} == expected


def test_the_counts_are_not_trivial(world: Session) -> None:
    """The cases above differ between callers (the checks could fail)."""
    counts = {name: len(world.exec(select(Need.id).where(Policy(p).need_rows())).all())
              for name, p in CALLERS.items()}
    assert counts == {"admin": 6, "broker BG": 5, "broker HP": 5, "organiser BG": 2,
                      "enterprise 1": 3, "nobody": 0}
