"""The access rules: which roles may call each route, by route name.

Every route must have a rule here; a route without one is refused to everyone (and the
authorization matrix test fails). Rules say who may call a route at all; which records a
caller sees or changes (an enterprise's own needs, confidential needs, anonymised views,
supplier contacts, writes within a jurisdiction) is decided by `matcher.auth.policy`.
"""

from dataclasses import dataclass

from matcher.auth.models import Role


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    public: bool = False  # also without a key, when the `public_search` setting is on
    owned: bool = False  # an enterprise key reaches only its own records here
    open: bool = False  # always without a key (health checks: they show no record)


def _rule(*roles: Role, public: bool = False, owned: bool = False, open: bool = False) -> Rule:
    return Rule(frozenset(roles), public, owned, open)


EVERYONE = _rule(*Role)
BROKERS = _rule(Role.admin, Role.intermediary)  # the Department and intermediaries
READERS = _rule(Role.admin, Role.intermediary, Role.organiser)
EVENT_STAFF = _rule(Role.admin, Role.organiser)
ADMIN = _rule(Role.admin)
PUBLIC = _rule(*Role, public=True)
OPEN = _rule(*Role, open=True)
OWN = _rule(Role.admin, Role.intermediary, Role.enterprise, owned=True)  # enterprises: their own
OWN_OR_READERS = _rule(*Role, owned=True)

RULES: dict[str, Rule] = {
    # health of the process: load balancers ask without a key
    "read_liveness": OPEN,
    "read_readiness": OPEN,
    # dossiers: everyone reads (contacts for brokers only); brokers write
    "read_dossiers": EVERYONE,
    "read_dossier": EVERYONE,
    "create_dossier": BROKERS,
    "update_dossier": BROKERS,
    "delete_dossier": ADMIN,
    "renew_dossier": BROKERS,
    "read_dossier_matches": READERS,
    # screening findings: shown with their dossier; the Department decides on them
    "read_dossier_findings": EVERYONE,
    "decide_finding": ADMIN,
    # duplicates across sources: brokers find and merge them; everyone reads the sources
    "read_dossier_duplicates": BROKERS,
    "merge_dossier": BROKERS,
    "read_dossier_sources": EVERYONE,
    # enterprises and their needs
    "read_enterprises": OWN_OR_READERS,
    "read_enterprise": OWN_OR_READERS,
    "create_enterprise": BROKERS,
    "update_enterprise": OWN,
    "delete_enterprise": ADMIN,
    "read_needs": OWN_OR_READERS,
    "read_need": OWN_OR_READERS,
    "create_need": OWN,
    "update_need": OWN,
    "delete_need": OWN,
    "renew_need": OWN,
    "read_need_matches": OWN_OR_READERS,
    # reference data and search
    "read_jurisdictions": PUBLIC,
    "read_sectors": PUBLIC,
    "search_dossiers": PUBLIC,
    # the ledger of introductions and transfers
    "read_introductions": OWN_OR_READERS,
    "read_introduction": OWN_OR_READERS,
    "create_introduction": BROKERS,
    "create_introduction_from_match": BROKERS,
    "create_status_change": BROKERS,
    "create_transfer": BROKERS,
    "read_intermediaries": READERS,
    "create_intermediary": ADMIN,
    "update_intermediary": ADMIN,
    "read_people": READERS,
    "create_person": BROKERS,
    "read_transfers": READERS,
    "read_trainings": READERS,
    "create_training": BROKERS,
    "read_fdi_projects": READERS,
    "create_fdi_project": BROKERS,
    "read_plans": READERS,
    "read_plan": READERS,
    "create_plan": ADMIN,
    "read_progress": READERS,
    "read_annual_xlsx": READERS,
    "read_annual_png": READERS,
    "read_audit": ADMIN,
    # events (Techmart B2B days): organisers run them, brokers read and follow up
    "create_event": EVENT_STAFF,
    "read_events": READERS,
    "read_event": READERS,
    "update_event": EVENT_STAFF,
    "delete_event": EVENT_STAFF,
    "create_participant": EVENT_STAFF,
    "read_participants": READERS,
    "import_participants_file": EVENT_STAFF,
    "create_request": READERS,
    "read_requests": READERS,
    "answer_request": EVENT_STAFF,
    "create_meeting": EVENT_STAFF,
    "update_meeting": EVENT_STAFF,
    "read_meetings": READERS,
    "pair_meetings": EVENT_STAFF,
    "schedule_meetings": EVENT_STAFF,
    "check_schedule": READERS,
    "read_agenda": READERS,
    "read_grid": READERS,
    "record_outcome": READERS,
    "record_meeting_follow_up": READERS,
    "read_outcomes": READERS,
    # alerts: every caller has an inbox; brokers save searches
    "read_notifications": EVERYONE,
    "mark_notification_read": EVERYONE,
    "mark_all_notifications_read": EVERYONE,
    "read_saved_searches": BROKERS,
    "read_saved_search": BROKERS,
    "create_saved_search": BROKERS,
    "update_saved_search": BROKERS,
    "delete_saved_search": BROKERS,
}
