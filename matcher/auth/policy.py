"""The access policy: for one caller, which rows of each resource it may read and write, and
which fields it is shown. Routers, services, exports, the matcher's candidate sets, event
pairing and the ledger all ask a `Policy`; none of them filters by hand.

Reading (rows are SQL conditions, so lists, counts and pages agree):
- admins read everything;
- an enterprise reads its own record, its own needs and the introductions made to it;
- intermediaries read every enterprise and need, except confidential needs of another
  jurisdiction;
- organisers read public needs, anonymised: no enterprise id, ref, name, tax code, e-mail or
  phone, in any text field, derived ones included;
- introductions and transfers follow their need: hidden with it; organisers are not shown which
  enterprise or need they concern;
- supplier contacts of dossiers, and their completeness scores, are shown to admins and
  intermediaries only;
- a dossier blocked by a prohibited screening finding (not dismissed) is read by admins only.

A record the caller may not read is `Hidden`, and is answered exactly like a missing one.

Writing:
- intermediaries and organisers write within their key's jurisdiction only (enterprises,
  needs, events and their participants, the ledger); an enterprise writes its own records;
- no write may widen anyone's view: moving an enterprise to another jurisdiction is for admins,
  making a need more public for admins and the need's own enterprise.
A write the caller may not make on a record it can read is `Refused`.
"""

from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import Session, col, select

from matcher.auth.anonymise import Scrubber
from matcher.auth.keys import Principal
from matcher.auth.models import Role
from matcher.ledger.models import Intermediary, Introduction, Transfer
from matcher.models import Dossier, Enterprise, Need, ScreeningFinding
from matcher.models.enums import Confidentiality
from matcher.models.fields import MAX_INT
from matcher.models.finding import blocking

# From the most public to the most private.
OPENNESS = (Confidentiality.public, Confidentiality.intermediaries, Confidentiality.confidential)


class View(Enum):
    """How a caller sees a need."""

    full = "full"
    anonymised = "anonymised"
    hidden = "hidden"


class Hidden(LookupError):
    """A record the caller may not see, or one that does not exist: both read the same."""

    def __init__(self, kind: str, key: object, by: str = "id") -> None:
        self.kind, self.key, self.by = kind, key, by
        super().__init__(f"no {kind} with {by} {key}" if by == "id" else
                         f"no {kind} with {by} '{key}'")

    @property
    def not_found(self) -> str:
        """The 404 text when the record was named in the path."""
        return f"{self.kind.capitalize()} {self.key} not found"


class Refused(PermissionError):
    """A write the caller may not make to a record it can see (saying so reveals nothing)."""


class Policy:
    """What one caller (`who`) may read and write."""

    def __init__(self, who: Principal) -> None:
        self.who = who

    # --- who the caller is -------------------------------------------------------------------

    @property
    def is_admin(self) -> bool:
        """Whether the caller is the Department (every row, every field, every write)."""
        return self.who.role is Role.admin

    def sees_contacts(self) -> bool:
        """Whether supplier contacts of dossiers are shown."""
        return self.who.role in (Role.admin, Role.intermediary)

    def sees_quality(self) -> bool:
        """Whether a dossier's completeness score is shown (it guides brokers' reviews), and
        so whether the caller may filter or sort by it."""
        return self.who.role in (Role.admin, Role.intermediary)

    def sees_identities(self) -> bool:
        """Whether the caller is shown which enterprise a need, an introduction or a transfer
        concerns (organisers are not: they see needs anonymised)."""
        return self.who.role in (Role.admin, Role.intermediary, Role.enterprise)

    # --- rows: SQL conditions ----------------------------------------------------------------

    def _in_jurisdiction(self) -> Any:
        """Enterprise ids of the caller's own jurisdiction (a subquery)."""
        return select(Enterprise.id).where(Enterprise.jurisdiction == self.who.jurisdiction)

    def need_rows(self) -> ColumnElement[bool]:
        """The needs the caller may read at all (in full or anonymised)."""
        role = self.who.role
        if role is Role.admin:
            return true()
        if role is Role.enterprise:
            return col(Need.enterprise_id) == self.who.enterprise_id
        if role is Role.intermediary:
            return or_(col(Need.confidentiality) != Confidentiality.confidential,
                       col(Need.enterprise_id).in_(self._in_jurisdiction()))
        if role is Role.organiser:
            return col(Need.confidentiality) == Confidentiality.public
        return false()

    def enterprise_rows(self) -> ColumnElement[bool]:
        """The enterprises the caller may read."""
        if self.who.role is Role.enterprise:
            return col(Enterprise.id) == self.who.enterprise_id
        return true() if self.who.role is not None else false()

    def unreadable_dossiers(self, session: Session) -> frozenset[int]:
        """Ids of the dossiers `dossier_rows` keeps from the caller, for lists built outside a
        query (a dossier's likely duplicates)."""
        if self.who.role is Role.admin:
            return frozenset()
        hidden = session.exec(select(Dossier.id).where(~self.dossier_rows())).all()
        return frozenset(i for i in hidden if i is not None)

    def dossier_rows(self) -> ColumnElement[bool]:
        """The dossiers the caller may read: all of them for admins; for everyone else, all
        but those a prohibited finding blocks (Decree 76/2018, Annex III) until the Department
        dismisses it."""
        if self.who.role is Role.admin:
            return true()
        if self.who.role is None:
            return false()
        return col(Dossier.id).not_in(select(ScreeningFinding.dossier_id).where(blocking()))

    def introduction_rows(self) -> ColumnElement[bool]:
        """The introductions the caller may read: those of its own enterprise, or (brokers,
        organisers) those without a need or whose need it sees."""
        if self.who.role is Role.admin:
            return true()
        if self.who.role is Role.enterprise:
            return col(Introduction.enterprise_id) == self.who.enterprise_id
        if self.who.role is None:
            return false()
        need = col(Introduction.need_id)
        return or_(need.is_(None), need.in_(select(Need.id).where(self.need_rows())))

    def transfer_rows(self) -> ColumnElement[bool]:
        """The transfers the caller may read: those of introductions it may read."""
        if self.who.role is Role.enterprise:
            return col(Transfer.enterprise_id) == self.who.enterprise_id
        shown = select(Introduction.id).where(self.introduction_rows())
        return or_(col(Transfer.introduction_id).is_(None),
                   col(Transfer.introduction_id).in_(shown)) if self.who.role else false()

    def visible_need_ids(self, session: Session) -> set[int]:
        """Ids of the needs the caller may read (for the matcher's candidate sets)."""
        return set(session.exec(select(Need.id).where(self.need_rows())).all())  # type: ignore[arg-type]

    # --- one record ----------------------------------------------------------------------------

    def need_view(self, need: Need, jurisdiction: str | None) -> View:
        """How the caller sees `need`, whose enterprise belongs to `jurisdiction`."""
        role = self.who.role
        if role is Role.admin:
            return View.full
        if role is Role.enterprise:
            return View.full if need.enterprise_id == self.who.enterprise_id else View.hidden
        if role is Role.intermediary:
            confidential = need.confidentiality == Confidentiality.confidential
            return View.hidden if confidential and jurisdiction != self.who.jurisdiction \
                else View.full
        if role is Role.organiser and need.confidentiality == Confidentiality.public:
            return View.anonymised
        return View.hidden

    def view_of(self, session: Session, need: Need) -> View:
        """How the caller sees a stored need (its enterprise's jurisdiction looked up)."""
        enterprise = session.get(Enterprise, need.enterprise_id)
        return self.need_view(need, enterprise.jurisdiction if enterprise else None)

    def shown(self, session: Session, need: Need, value: Any) -> Any:
        """`value` (text, or a model, list or dict holding text) about `need` as the caller may
        read it: as it is for a full view, without the enterprise's identity for an anonymised
        one."""
        if self.view_of(session, need) is View.anonymised:
            return anonymised(session, need, value)
        return value

    def need(self, session: Session, need_id: int | None, *, full: bool = False) -> Need:
        """The need, if the caller may read it (in full, when `full`); else `Hidden`."""
        need = _get(session, Need, need_id)
        view = View.hidden if need is None else self.view_of(session, need)
        if need is None or view is View.hidden or (full and view is not View.full):
            raise Hidden("need", need_id)
        return need

    def need_by_ref(self, session: Session, ref: str) -> Need:
        """The need with this ref among those the caller reads in full (an anonymised view has
        no ref); `Hidden` when there is none, LookupError when refs of several enterprises
        match (refs are unique per enterprise; only needs the caller sees are counted)."""
        found = [n for n in session.exec(select(Need).where(Need.ref == ref, self.need_rows()))
                 if self.view_of(session, n) is View.full]
        if not found:
            raise Hidden("need", ref, "ref")
        if len(found) > 1:
            raise LookupError(f"ref '{ref}' names needs of {len(found)} enterprises; "
                              f"give need_id")
        return found[0]

    def enterprise(self, session: Session, enterprise_id: int | None) -> Enterprise:
        """The enterprise, if the caller may read it; else `Hidden`."""
        enterprise = _get(session, Enterprise, enterprise_id)
        own = self.who.role is not Role.enterprise or enterprise_id == self.who.enterprise_id
        if enterprise is None or self.who.role is None or not own:
            raise Hidden("enterprise", enterprise_id)
        return enterprise

    def enterprise_by_tax_code(self, session: Session, tax_code: str) -> Enterprise:
        """The enterprise with this tax code, if the caller may read it; else `Hidden`."""
        found = session.exec(select(Enterprise).where(
            Enterprise.tax_code == tax_code, self.enterprise_rows())).first()
        if found is None:
            raise Hidden("enterprise", tax_code, "tax code")
        return found

    def dossier(self, session: Session, dossier_id: int | None) -> Dossier:
        """The dossier, if the caller may read it (`dossier_rows`); `Hidden` when missing."""
        dossier = _get(session, Dossier, dossier_id)
        if dossier is None or self.who.role is None or (not self.is_admin and session.exec(
                select(ScreeningFinding.id).where(ScreeningFinding.dossier_id == dossier_id,
                                                  blocking())).first() is not None):
            raise Hidden("dossier", dossier_id)
        return dossier

    def intermediary(self, session: Session, intermediary_id: int | None) -> Intermediary:
        """The intermediary organisation (every caller with a key reads them); `Hidden` when
        missing."""
        found = _get(session, Intermediary, intermediary_id)
        if found is None or self.who.role is None:
            raise Hidden("intermediary", intermediary_id)
        return found

    def introduction(self, session: Session, introduction_id: int | None) -> Introduction:
        """The introduction, if the caller may read it; else `Hidden`."""
        found = None
        if introduction_id is not None and 0 < introduction_id <= MAX_INT:
            found = session.exec(select(Introduction).where(
                Introduction.id == introduction_id, self.introduction_rows())).first()
        if found is None:
            raise Hidden("introduction", introduction_id)
        return found

    def filter_by(self, session: Session, model: Any, field: str,
                  value: int | None) -> list[Any]:
        """The condition of a list filter by a related id (`need_id`, `enterprise_id`,
        `dossier_id`, ...), resolved first like a path id: a hidden id raises `Hidden` as a
        missing one does. Filtering by a field the caller is not shown is `Refused`."""
        if value is None:
            return []
        if field in ("need_id", "enterprise_id") and not self.sees_identities():
            raise Refused(f"an {self._role_name()} key may not filter by {field}")
        resolvers: dict[str, Callable[[Session, int], Any]] = {
            "need_id": self.need, "enterprise_id": self.enterprise, "dossier_id": self.dossier,
            "intermediary_id": self.intermediary}
        resolve = resolvers.get(field)
        if resolve is not None:
            resolve(session, value)
        return [col(getattr(model, field)) == value]

    # --- writes --------------------------------------------------------------------------------

    def writes_in(self, jurisdiction: str | None) -> bool:
        """Whether the caller may write records of `jurisdiction` (enterprises, needs, events,
        the ledger)."""
        if self.who.role is Role.admin:
            return True
        if self.who.role in (Role.intermediary, Role.organiser):
            return self.who.jurisdiction is not None and jurisdiction == self.who.jurisdiction
        return False

    def check_jurisdiction_write(self, jurisdiction: str | None, what: str) -> None:
        """`Refused` unless the caller writes in `jurisdiction`."""
        if not self.writes_in(jurisdiction):
            scope = self.who.jurisdiction or "no jurisdiction"
            raise Refused(f"an {self._role_name()} key of {scope} may not change {what} of "
                          f"{jurisdiction}")

    def check_enterprise_write(self, enterprise: Enterprise | None,
                               changes: dict[str, Any]) -> None:
        """`Refused` unless the caller may make `changes` to `enterprise` (None: a new one
        with the jurisdiction in `changes`)."""
        self._check_registry_writer()
        if self.who.role is Role.enterprise:
            if enterprise is None or enterprise.id != self.who.enterprise_id:
                raise Refused("an enterprise key changes its own enterprise only")
        else:
            current = enterprise.jurisdiction if enterprise else changes.get("jurisdiction")
            self.check_jurisdiction_write(current, "enterprises")
        moved = enterprise is not None and "jurisdiction" in changes \
            and changes["jurisdiction"] != enterprise.jurisdiction
        if moved and not self.is_admin:
            raise Refused("only an admin may move an enterprise to another jurisdiction")

    def check_need_write(self, need: Need | None, enterprise: Enterprise,
                         changes: dict[str, Any]) -> None:
        """`Refused` unless the caller may write a need of `enterprise` with `changes` (for a
        new need, `need` is None and `changes` its fields)."""
        self._check_registry_writer()
        if self.who.role is Role.enterprise:
            if enterprise.id != self.who.enterprise_id:
                raise Refused("an enterprise key writes needs of its own enterprise only")
            return  # its own need's confidentiality is its own to choose
        self.check_jurisdiction_write(enterprise.jurisdiction, "needs")
        wanted = changes.get("confidentiality")
        if wanted is None or self.is_admin:
            return
        before = need.confidentiality if need is not None else Confidentiality.public
        if OPENNESS.index(Confidentiality(wanted)) < OPENNESS.index(Confidentiality(before)):
            raise Refused("only an admin or the need's own enterprise may make a need more "
                          "public")

    def _check_registry_writer(self) -> None:
        """Enterprises and needs are written by admins, intermediaries and enterprises only."""
        if self.who.role not in (Role.admin, Role.intermediary, Role.enterprise):
            raise Refused(f"an {self._role_name()} key does not change enterprises or needs")

    def _role_name(self) -> str:
        return self.who.role.value if self.who.role else "anonymous"


def _get(session: Session, model: Any, record_id: int | None) -> Any:
    """The stored record, or None for no id, a missing one, or one no column can hold."""
    if record_id is None or not 0 < record_id <= MAX_INT:
        return None
    return session.get(model, record_id)


def anonymised(session: Session, need: Need, value: Any) -> Any:
    """`value` (text, or a model, list or dict holding text) without the identity of the need's
    enterprise, nor any e-mail address or phone number."""
    return without_enterprise(session, need.enterprise_id, value)


def without_enterprise(session: Session, enterprise_id: int | None, value: Any) -> Any:
    """`value` without the identity of the enterprise (name, tax code), nor any e-mail address
    or phone number."""
    enterprise = session.get(Enterprise, enterprise_id) if enterprise_id else None
    return _scrubber(enterprise.name if enterprise else "",
                     enterprise.tax_code if enterprise else "").deep(value)


@lru_cache(maxsize=1024)
def _scrubber(name: str, tax_code: str) -> Scrubber:
    """One enterprise's scrubber, built once (its patterns take longer to compile than a page
    of needs takes to scrub); blank name and code remove only e-mails and phone numbers."""
    return Scrubber([name], [tax_code])


SYSTEM = Policy(Principal(role=Role.admin, org="system"))  # the CLI, seed loading, scripts
