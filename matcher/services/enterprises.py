"""Writing enterprises (doanh nghiệp): register, change, delete, within the caller's rights."""

from typing import Any

from sqlmodel import Session

from matcher.auth.policy import Policy
from matcher.models import Enterprise, EnterpriseCreate
from matcher.services.checks import apply_changes, check_jurisdiction, check_sectors


def create_enterprise(session: Session, policy: Policy, body: EnterpriseCreate) -> Enterprise:
    """Register an enterprise in a jurisdiction the caller writes in."""
    check_jurisdiction(session, body.jurisdiction)
    policy.check_enterprise_write(None, body.model_dump())
    if body.main_sector:
        check_sectors(session, [body.main_sector], "main_sector")
    enterprise = Enterprise.model_validate(body)
    session.add(enterprise)
    return enterprise


def update_enterprise(session: Session, policy: Policy, enterprise_id: int,
                      changes: dict[str, Any]) -> Enterprise:
    """The enterprise with `changes` applied (moving it to another jurisdiction: admins)."""
    enterprise = policy.enterprise(session, enterprise_id)
    check_jurisdiction(session, changes.get("jurisdiction"))
    policy.check_enterprise_write(enterprise, changes)
    if changes.get("main_sector"):
        check_sectors(session, [changes["main_sector"]], "main_sector")
    apply_changes(session, enterprise, changes, EnterpriseCreate)
    return enterprise


def delete_enterprise(session: Session, policy: Policy, enterprise_id: int) -> None:
    """Delete an enterprise (the commit fails while it has needs)."""
    enterprise = policy.enterprise(session, enterprise_id)
    policy.check_enterprise_write(enterprise, {})
    session.delete(enterprise)
