"""Writing needs (nhu cầu công nghệ): submit, change, delete, within the caller's rights."""

from typing import Any

from sqlmodel import Session

from matcher.auth.policy import Policy
from matcher.models import Enterprise, Need, NeedCreate
from matcher.services.checks import apply_changes, check_sectors
from matcher.services.errors import Invalid, referenced


def enterprise_of(session: Session, policy: Policy, body: NeedCreate) -> Enterprise:
    """The enterprise a new need is for, by id or tax code, resolved through the policy (an
    enterprise key: its own, also when neither is given)."""
    if body.enterprise_id is not None:
        with referenced("enterprise_id"):
            return policy.enterprise(session, body.enterprise_id)
    if body.enterprise_tax_code:
        with referenced("enterprise_tax_code"):
            return policy.enterprise_by_tax_code(session, body.enterprise_tax_code)
    if policy.who.enterprise_id is not None:
        return policy.enterprise(session, policy.who.enterprise_id)
    raise Invalid.at(["body", "enterprise_id"], "give enterprise_id or enterprise_tax_code",
                     kind="missing")


def create_need(session: Session, policy: Policy, body: NeedCreate) -> Need:
    """A new need of an enterprise the caller may write for (its id is set at commit)."""
    check_sectors(session, body.sector_codes)
    enterprise = enterprise_of(session, policy, body)
    data = body.model_dump(exclude={"enterprise_tax_code"})
    policy.check_need_write(None, enterprise, data)
    data["enterprise_id"] = enterprise.id
    need = Need.model_validate(data)
    session.add(need)
    return need


def update_need(session: Session, policy: Policy, need_id: int, changes: dict[str, Any]) -> Need:
    """The need with `changes` applied; making a need more public is for admins and the
    need's own enterprise."""
    need = policy.need(session, need_id, full=True)
    policy.check_need_write(need, policy.enterprise(session, need.enterprise_id), changes)
    check_sectors(session, changes.get("sector_codes"))
    apply_changes(session, need, changes, NeedCreate)
    return need


def delete_need(session: Session, policy: Policy, need_id: int) -> None:
    """Delete a need (the commit fails while introductions or event participants refer to
    it)."""
    need = policy.need(session, need_id, full=True)
    policy.check_need_write(need, policy.enterprise(session, need.enterprise_id), {})
    session.delete(need)
