"""Dossier search and the dossier page (everyone reads dossiers; supplier contacts and the
needs a dossier could answer only for the roles the API shows them to)."""

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from api.access import RULES
from api.deps import RuntimeDep
from api.routes.dossiers import read_dossier, read_dossier_findings, read_dossier_matches
from api.routes.search import search_dossiers
from api.web.access import PAGES
from api.web.caller import Caller, CallerDep
from api.web.forms import MESSAGES
from api.web.i18n import N_, translations
from api.web.pages import terms
from api.web.pages.duplicates import dossier_context
from api.web.render import render
from matcher.models import Dossier, Jurisdiction
from matcher.models.enums import TransferMode
from matcher.models.fields import check_country
from matcher.models.limits import MAX_CODES
from matcher.search.matches import EXPIRED, NO_CONTENT, NO_WORDS, MatchList
from matcher.services.checks import check_jurisdiction, check_sectors
from matcher.services.errors import Invalid

router = APIRouter(include_in_schema=False)
PER_PAGE = 10
MAX_PAGE = 10  # the service is asked for page × 10 + 1 suggestions: at most 101
NOT_CONFIDENT = N_("No confident match: the best candidates are weak. Check them with care.")
NO_WORDS_SHOWN = N_("The text holds no words to search for.")
NO_CONTENT_SHOWN = N_("Name the technology or the problem: the text holds only words such as "
                      "“we need” or “please find”.")
EXPIRED_SHOWN = N_("This listing has expired: renew it to see suggestions again.")


class SearchForm(BaseModel):
    """The search's query string, checked as the API checks `GET /search`."""

    q: str = Field("", max_length=2000)
    jurisdiction: str | None = None
    sector: list[str] = Field(default_factory=list, max_length=MAX_CODES)
    origin_country: Annotated[str | None, AfterValidator(lambda c: c and check_country(c))] = None
    transfer_mode: TransferMode | None = None
    min_trl: int | None = Field(None, ge=1, le=9)
    page: int = Field(1, ge=1, le=MAX_PAGE)


def query_values(request: Request, caller: Caller) -> dict[str, Any]:
    """The query string as form values: blanks left out; no `jurisdiction` at all means the
    caller's own (a blank one: every jurisdiction)."""
    params = request.query_params
    values: dict[str, Any] = {key: params[key].strip() for key in params
                              if key != "sector" and params[key].strip()}
    values["sector"] = list(dict.fromkeys(s.strip() for s in params.getlist("sector")
                                          if s.strip()))
    if "jurisdiction" not in params and caller.user.jurisdiction:
        values["jurisdiction"] = caller.user.jurisdiction
    return values


def match_notice(matches: MatchList) -> str | None:
    """What the page says above a list that is not confident (None for a confident one)."""
    if matches.confident:
        return None
    shown = {NO_WORDS: NO_WORDS_SHOWN, NO_CONTENT: NO_CONTENT_SHOWN, EXPIRED: EXPIRED_SHOWN}
    return shown.get(matches.message or "", NOT_CONFIDENT)


def countries_of_dossiers(session: Session, lang: str) -> list[tuple[str, str]]:
    codes = session.exec(select(Dossier.origin_country).distinct()).all()
    return sorted(((c, terms.country_name(c, lang)) for c in codes), key=lambda o: o[1])


@router.get("/web/search", name="search_page", response_class=HTMLResponse)
def search_page(request: Request, caller: CallerDep, runtime: RuntimeDep) -> Response:
    """The search box with the API's filters; results ten a page (the service is asked for
    one more than the pages so far, to know whether there is a next page)."""
    session, lang = caller.session, caller.lang
    values = query_values(request, caller)
    errors: dict[str, str] = {}
    form = SearchForm()
    try:
        form = SearchForm.model_validate(values)
        check_jurisdiction(session, form.jurisdiction, "query")
        check_sectors(session, form.sector, "sector")
    except (ValidationError, Invalid) as exc:
        errors = terms.worded_errors(exc, lang)
    if not errors and form.q and len(form.q) < 2:
        errors["q"] = translations(lang).gettext(MESSAGES["string_too_short"]).format(limit=2)
    matches, shown, dossiers = None, [], {}
    if form.q and not errors:
        matches = search_dossiers(
            session=session, runtime=runtime, q=form.q, request=request, response=Response(),
            limit=form.page * PER_PAGE + 1,
            jurisdiction=form.jurisdiction, sector=form.sector,
            origin_country=form.origin_country, transfer_mode=form.transfer_mode,
            min_trl=form.min_trl)
        shown = matches.data[(form.page - 1) * PER_PAGE:form.page * PER_PAGE]
        ids = [s.id for s in shown]
        dossiers = {d.id: d for d in session.exec(select(Dossier).where(col(Dossier.id).in_(ids)))}
    chosen = values.get("jurisdiction")
    jurisdictions = session.exec(select(Jurisdiction).order_by(col(Jurisdiction.code))).all()
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    if "jurisdiction" not in request.query_params:
        params.append(("jurisdiction", chosen or ""))
    return render(
        request, "search/search.html", caller, status=422 if errors else 200,
        values=values, errors=errors, matches=matches, shown=shown, dossiers=dossiers,
        page=form.page if not errors else 1,
        has_next=matches is not None and len(matches.data) > form.page * PER_PAGE
        and form.page < MAX_PAGE,
        notice=match_notice(matches) if matches else None, params=params,
        jurisdictions=[(j.code, j.name) for j in jurisdictions],
        sectors=terms.sector_options(session, lang, [chosen] if chosen else None,
                                     values.get("sector", [])),
        countries=countries_of_dossiers(session, lang),
        modes=terms.labelled(terms.TRANSFER_MODES, lang),
        country_name=lambda c: terms.country_name(c, lang))


@router.get("/web/dossiers/{dossier_id}", name="dossier_page", response_class=HTMLResponse)
def dossier_page(request: Request, caller: CallerDep, runtime: RuntimeDep,
                 dossier_id: int) -> Response:
    """The dossier as the API shows it to the caller; for the roles the API lets read a
    dossier's matches, the open needs it could answer (anonymised for organisers)."""
    session, policy = caller.session, caller.policy
    dossier = read_dossier(session=session, policy=policy, dossier_id=dossier_id)
    screening = None  # the Department's review list: every finding, dismissed ones too
    if caller.user.role in PAGES["finding_decide"]:
        screening = read_dossier_findings(session=session, policy=policy, dossier_id=dossier_id,
                                          include_dismissed=True)
    matches = None
    if caller.user.role in RULES["read_dossier_matches"].roles:
        matches = read_dossier_matches(session=session, runtime=runtime, policy=policy,
                                       dossier_id=dossier_id, limit=PER_PAGE)
    return render(
        request, "search/dossier.html", caller, dossier=dossier, matches=matches,
        screening=screening,
        notice=match_notice(matches) if matches else None,
        need_links=caller.user.role in PAGES["need_page"],
        may_renew=caller.user.role in PAGES["dossier_renew"],
        country=terms.country_name(dossier.origin_country, caller.lang),
        sector_names=terms.sector_names(session, caller.lang), modes=terms.TRANSFER_MODES,
        **dossier_context(caller, runtime, dossier_id))
