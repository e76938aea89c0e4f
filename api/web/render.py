"""Rendering pages: the Jinja2 templates with the caller's language, formats and CSRF token."""

from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.templating import Jinja2Templates

from api.web import i18n
from api.web.access import PAGES
from api.web.caller import Caller, request_language
from api.web.i18n import N_
from matcher.alerts.inbox import unread_count

TEMPLATES = Jinja2Templates(env=jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True, extensions=["jinja2.ext.i18n"]))
TEMPLATES.env.globals["LANGUAGES"] = i18n.LANGUAGES
# The language of the page being rendered: templates (macros included) translate through it.
_language: ContextVar[str] = ContextVar("language", default=i18n.DEFAULT)
TEMPLATES.env.install_gettext_callables(  # type: ignore[attr-defined]
    gettext=lambda text: i18n.translations(_language.get()).gettext(text),
    ngettext=lambda one, many, n: i18n.translations(_language.get()).ngettext(one, many, n),
    newstyle=False)  # plain strings: escaped on output like any other value

# The menu: (route name, label); each shows only to the roles its page's rule admits.
MENU = [
    ("home_page", N_("Home")),
    ("search_page", N_("Search")),
    ("needs_page", N_("Needs")),
    ("introductions_page", N_("Introductions")),
    ("notifications_page", N_("Notifications")),
    ("import_page", N_("Import")),
    ("events_page", N_("Events")),
    ("progress_page", N_("Progress")),
    ("plans_page", N_("Plans")),
    ("sectors_page", N_("Sectors")),
    ("users_page", N_("Users")),
    ("keys_page", N_("API keys")),
    ("audit_page", N_("Audit log")),
]


@cache
def page_names(app: FastAPI) -> frozenset[str]:
    """Names of the app's routes (FastAPI keeps included routers' routes nested: walk them)."""
    return frozenset(context.route.name for context in iter_route_contexts(app.routes)
                     if isinstance(context.route, APIRoute))


def menu(request: Request, caller: Caller | None) -> list[tuple[str, str, bool]]:
    """The menu entries the caller may open: (url, label, current)."""
    if caller is None:
        return []
    names = page_names(request.app)
    entries = []
    for name, label in MENU:
        if name in names and caller.user.role in PAGES[name]:
            url = str(request.url_for(name).path)
            current = request.url.path == url or (url != "/web/" and
                                                  request.url.path.startswith(url))
            entries.append((url, label, current))
    return entries


def render(request: Request, template: str, caller: Caller | None = None, status: int = 200,
           **context: Any) -> HTMLResponse:
    """The page `template` in the caller's language (the language cookie without a caller)."""
    lang = caller.lang if caller else request_language(request)
    token = _language.set(lang)
    try:  # the template is rendered here, in the response's constructor
        return TEMPLATES.TemplateResponse(request, template, status_code=status, context={
            "caller": caller, "lang": lang, "fmt": i18n.Formats(lang),
            "menu": menu(request, caller), "csrf": caller.csrf if caller else "",
            "unread": unread_count(caller.session, caller.policy.who) if caller else 0,
            **context})
    finally:
        _language.reset(token)
