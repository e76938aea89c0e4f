"""Free-text search for dossiers, in any language, with filters."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import RuntimeDep, SessionDep
from api.filters import CountryFilter, JurisdictionFilter
from matcher.models.enums import TransferMode
from matcher.models.limits import MAX_CODES
from matcher.search.matches import DossierFilters, MatchList

router = APIRouter(tags=["search"])
MAX_SKIP = 900  # a search ranks at most skip + limit + 1 ≤ 1,001 dossiers


@router.get("/search", response_model=MatchList)
def search_dossiers(
    session: SessionDep,
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=2, max_length=2000, description="Text in any language.")],
    request: Request,
    response: Response,
    skip: Annotated[int, Query(ge=0, le=MAX_SKIP, description="Results skipped before the "
                               "page (the next page's is in the `Link: rel=\"next\"` header).")]
    = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    jurisdiction: JurisdictionFilter = None,
    sector: Annotated[list[str] | None,
                      Query(max_length=MAX_CODES, description="Sector codes (any jurisdiction); "
                            "a code given twice counts once.")] = None,
    origin_country: CountryFilter = None,
    transfer_mode: TransferMode | None = None,
    min_trl: Annotated[int | None, Query(ge=1, le=9)] = None,
) -> MatchList:
    """Dossiers that fit the text, best first, each with a score breakdown and explanation; a
    page of `limit` after the first `skip` (`count`: the results on this page), with a
    `Link: <…>; rel="next"` header while more follow."""
    filters = DossierFilters(jurisdiction=jurisdiction,
                             sector_codes=tuple(dict.fromkeys(sector or ())),
                             origin_country=origin_country, transfer_mode=transfer_mode,
                             min_trl=min_trl)
    ranked = runtime.matches.search(session, q, filters, skip + limit + 1)
    shown = ranked.data[skip:skip + limit]
    if len(ranked.data) > skip + limit and skip + limit <= MAX_SKIP:
        following = request.url.include_query_params(skip=skip + limit, limit=limit)
        response.headers["Link"] = f'<{following}>; rel="next"'
    return ranked.model_copy(update={"data": shown, "count": len(shown)})
