"""Which roles may open each page of the web application, by route name.

The pages' twin of `api.access.RULES`: every web route must have an entry here (a route without
one is refused to everyone, and the page matrix test fails). What a page then shows of each
record is decided by the same `matcher.auth.policy` the API uses, through the same services.
"""

from matcher.auth.models import Role

ALL = frozenset(Role)
BROKERS = frozenset({Role.admin, Role.intermediary})
NEEDS = frozenset({Role.admin, Role.intermediary, Role.enterprise})  # never organisers
READERS = frozenset({Role.admin, Role.intermediary, Role.organiser})
EVENT_STAFF = frozenset({Role.admin, Role.organiser})
ADMIN = frozenset({Role.admin})

PAGES: dict[str, frozenset[Role]] = {
    # every logged-in user
    "home_page": ALL,
    "account_page": ALL,
    "account_password": ALL,
    "logout": ALL,
    # dossiers: everyone reads them (supplier contacts for brokers only, by the policy)
    "search_page": ALL,
    "dossier_page": ALL,
    # screening findings are shown with their dossier; the Department decides on them
    "finding_decide": ADMIN,
    "dossier_merge": BROKERS,  # merging a duplicate into the dossier shown
    "dossier_renew": BROKERS,
    # needs, their matches and introductions: brokers, the Department, the enterprise itself
    "needs_page": NEEDS,
    "need_new_page": NEEDS,
    "need_create": NEEDS,
    "need_page": NEEDS,
    "need_edit_page": NEEDS,
    "need_update": NEEDS,
    "need_introduce": BROKERS,
    "need_renew": NEEDS,
    # the pipeline also for organisers, as in the API: without enterprises and needs (policy)
    "introductions_page": ALL,
    "introduction_page": ALL,
    "introduction_step": BROKERS,
    # notifications: everyone's inbox; saved searches for brokers
    "notifications_page": ALL,
    "notification_read": ALL,
    "notifications_read_all": ALL,
    "saved_search_create": BROKERS,
    "saved_search_delete": BROKERS,
    "import_page": BROKERS,
    "import_upload": BROKERS,
    # events (Techmart): organisers and the Department
    "events_page": EVENT_STAFF,
    "event_new_page": EVENT_STAFF,
    "event_create": EVENT_STAFF,
    "event_page": EVENT_STAFF,
    "event_delete": EVENT_STAFF,
    "participants_import": EVENT_STAFF,
    "request_answer": EVENT_STAFF,
    "event_pair": EVENT_STAFF,
    "event_schedule": EVENT_STAFF,
    "event_grid_page": EVENT_STAFF,
    "agenda_download": EVENT_STAFF,
    "outcome_create": EVENT_STAFF,
    # the Department's pages (progress also for brokers and organisers, as in the API)
    "progress_page": READERS,
    "report_download": READERS,
    "plans_page": ADMIN,
    "sectors_page": ADMIN,
    "users_page": ADMIN,
    "user_create": ADMIN,
    "user_disable": ADMIN,
    "keys_page": ADMIN,
    "key_create": ADMIN,
    "key_revoke": ADMIN,
    "audit_page": ADMIN,
}
