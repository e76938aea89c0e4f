"""Suggestions in both directions (need → dossiers, dossier → needs, free text → dossiers), each
with a score breakdown, an explanation, and an honest `no confident match` when all are weak
(and nothing at all for a text without a word in it: a query of "!!" has no meaning to match)."""

from dataclasses import dataclass
from datetime import date

import numpy as np
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from matcher.models import Dossier, Enterprise, Need
from matcher.models.finding import FindingBrief
from matcher.models.sector_catalog import SectorCatalog
from matcher.models.validity import is_expired, local_today
from matcher.rules.feasibility import ExchangeRates, Feasibility, assess
from matcher.search.documents import Document, dossier_document, dossier_text, need_text
from matcher.search.explanations import explain
from matcher.search.index import MODELS, SearchIndex
from matcher.search.query import Query, QueryBuilder, has_content, has_words
from matcher.search.retrieval import (
    DEFAULT_WEIGHTS,
    Candidate,
    confidence,
    retrieve,
)
from matcher.services.screening import blocked_dossier_ids, shown_findings

SECTOR_BONUS = 0.1
NO_WORDS = ("no words to search for: the text holds only punctuation, spaces or invisible "
            "characters")
NO_CONTENT = ("no topic to search for: the text holds only words like 'we need' or 'the'; "
              "name the technology or the problem")
PROHIBITED = ("prohibited for transfer (Decree 76/2018, Annex III): this dossier is never "
              "suggested while the finding stands")
EXPIRED = "expired: the record's validity has ended; renew it to match it again"


class Breakdown(BaseModel):
    semantic: float = Field(description="Dense channel, normalised 0–1 within the candidates.")
    cosine: float | None = Field(description="Raw cosine similarity of the embeddings.")
    lexical: float = Field(description="Best lexical channel (BM25), normalised 0–1.")
    sector: float = Field(description="1 when the record shares a priority-sector theme.")
    feasibility: float = Field(description="1 when nothing stands in the way of absorbing it.")


class Suggestion(BaseModel):
    id: int
    kind: str = Field(description="`dossier` or `need`.")
    title: str
    score: float
    breakdown: Breakdown
    explanation: str
    findings: list[FindingBrief] = Field(
        default_factory=list, description="Screening findings of the suggested dossier (of "
        "the dossier matched, in a dossier's needs), not dismissed, most serious first.")


class QueryInfo(BaseModel):
    text: str
    language: str
    restored_text: str | None = Field(None, description="The text with diacritics restored.")
    translated_terms: list[str] = Field(default_factory=list,
                                        description="Lexicon translations, `vi → en`.")


class MatchList(BaseModel):
    query: QueryInfo
    confident: bool
    confidence: float
    message: str | None = None
    data: list[Suggestion]
    count: int


@dataclass
class DossierFilters:
    """Restrictions on suggested dossiers; empty fields do not restrict."""

    jurisdiction: str | None = None
    sector_codes: tuple[str, ...] = ()
    origin_country: str | None = None
    min_trl: int | None = None
    transfer_mode: str | None = None
    include_inactive: bool = False  # also dossiers not `active` or past their validity
    dossier_ids: frozenset[int] | None = None  # only these (e.g. an event's exhibitors)


class MatchService:
    """Ties query preparation, retrieval, feasibility and explanations together: suggestions
    for a free text, a stored need or a stored dossier. Safe to call from many threads at once:
    the index is read under its shared lock, and a record deleted meanwhile is left out."""

    def __init__(self, index: SearchIndex, queries: QueryBuilder, rates: ExchangeRates,
                 min_confidence: float, weights: dict[str, float] | None = None) -> None:
        self.index = index
        self.queries = queries
        self.rates = rates
        self.min_confidence = min_confidence
        self.weights = weights or DEFAULT_WEIGHTS

    def search(self, session: Session, text: str, filters: DossierFilters,
               limit: int = 10) -> MatchList:
        """Dossiers for a free-text query in any language."""
        query = self.queries.build(text)
        return self._dossiers_for(session, query, list(filters.sector_codes), filters, None,
                                  None, limit)

    def warm(self, name: str, docs: list[Document]) -> None:
        """Embed now (into the cache) the query vectors that matching these stored records
        will need, so reading their matches later embeds nothing: a need's text and English
        rendering as queries; a dossier searches with its stored vector, and a Vietnamese
        one also with its English rendering."""
        texts = []
        for doc in docs:
            query = self.queries.build(doc.text, doc.language)
            if name == "needs":
                texts.append(query.text)
            if query.en_text:
                texts.append(query.en_text)
        if texts:
            self.index.cache.embed(self.index.embedder, texts, is_query=True)

    def for_need(self, session: Session, need: Need, filters: DossierFilters,
                 limit: int = 10, discreet: bool = False) -> MatchList:
        """Dossiers for a stored need, with feasibility against its enterprise and budget;
        `discreet` explanations say nothing of the enterprise's own capacity."""
        query = self.queries.build(need_text(need), need.language)
        if is_expired(need.valid_until) and not filters.include_inactive:
            return _nothing(query, EXPIRED)
        enterprise = session.get(Enterprise, need.enterprise_id)
        return self._dossiers_for(session, query, need.sector_codes, filters, enterprise, need,
                                  limit, discreet)

    def for_dossier(self, session: Session, dossier: Dossier, limit: int = 10,
                    visible: set[int] | None = None, discreet: bool = False) -> MatchList:
        """Open needs a stored dossier could answer, with feasibility per enterprise; only
        needs whose id is in `visible`, when given; `discreet` explanations say nothing of the
        enterprises' own capacity."""
        query = self.queries.build(dossier_text(dossier), dossier.language)
        if dossier.id in blocked_dossier_ids(session):
            return _nothing(query, PROHIBITED)
        if is_expired(dossier.valid_until):
            return _nothing(query, EXPIRED)
        catalog = SectorCatalog.from_session(session)
        # the dossier's stored vector (a cache hit), not its text embedded again as a query
        cache, embedder = self.index.cache, self.index.embedder
        stored = self.index.prepare(dossier_document(dossier))
        vectors = {"dense": cache.embed(embedder, [stored])[0]}
        if query.en_text:  # cached when the dossier was indexed (`warm`)
            vectors["dense_en"] = cache.embed(embedder, [query.en_text], is_query=True)[0]

        today = local_today()

        def allowed(i: int) -> bool:  # called under the index's read lock
            doc = self.index.needs.docs[i]
            return doc.status == "open" and not is_expired(doc.valid_until, today) \
                and (visible is None or i in visible)

        def feasibility(i: int) -> Feasibility | None:
            need = session.get(Need, i)
            if need is None:  # deleted since it was retrieved
                return None
            found = assess(dossier, session.get(Enterprise, need.enterprise_id), need, self.rates)
            return found.discreet() if discreet else found

        found = self._rank(session, query, "needs", list(dossier.sector_codes), catalog, allowed,
                           feasibility, "need", limit, vectors)
        assert dossier.id is not None
        own = _briefs(shown_findings(session, [dossier.id])[dossier.id])
        return found.model_copy(update={"data": [
            s.model_copy(update={"findings": own}) for s in found.data]})

    def _dossiers_for(self, session: Session, query: Query, sectors: list[str],
                      filters: DossierFilters, enterprise: Enterprise | None, need: Need | None,
                      limit: int, discreet: bool = False) -> MatchList:
        catalog = SectorCatalog.from_session(session)
        allowed = _dossier_filter(self.index, catalog, filters, blocked_dossier_ids(session))

        def feasibility(i: int) -> Feasibility | None:
            dossier = session.get(Dossier, i)
            if dossier is None:  # deleted since it was retrieved
                return None
            found = assess(dossier, enterprise, need, self.rates)
            return found.discreet() if discreet else found

        found = self._rank(session, query, "dossiers", sectors, catalog, allowed, feasibility,
                           "dossier", limit)
        held = shown_findings(session, [s.id for s in found.data])
        return found.model_copy(update={"data": [
            s.model_copy(update={"findings": _briefs(held[s.id])}) for s in found.data]})

    def _rank(self, session: Session, query: Query, collection: str, sectors: list[str],
              catalog: SectorCatalog, allowed, feasibility, kind: str, limit: int,
              vectors: dict[str, np.ndarray] | None = None) -> MatchList:
        if not has_words(query.original) or not has_content(query.text):
            # the embedding of "!!" or "chúng tôi cần" still has nearest neighbours, and they
            # can look confident
            return _nothing(query, NO_CONTENT if has_words(query.original) else NO_WORDS)
        candidates = retrieve(self.index, collection, query, max(3 * limit, 30), allowed,
                              self.weights, vectors)
        themes = catalog.themes(sectors)
        # the candidates' rows in one query: `feasibility` then finds them in the session
        held = _prefetch(session, collection, [c.id for c in candidates])  # noqa: F841
        scored = []
        for cand in candidates:
            doc = cand.doc
            feas = feasibility(cand.id)
            if doc is None or feas is None:
                continue
            sector = 1.0 if themes & catalog.themes(list(doc.sector_codes)) else 0.0
            score = cand.score * feas.score + SECTOR_BONUS * sector
            scored.append((score, cand, doc, feas, sector))
        scored.sort(key=lambda item: (-item[0], item[1].id))
        data = [
            _suggestion(cand, doc, kind, score, sector, feas,
                        explain(query, doc, sectors, catalog, feas, cand.cosine))
            for score, cand, doc, feas, sector in scored[:limit]
        ]
        certainty = confidence(candidates)
        confident = bool(data) and certainty >= self.min_confidence
        return MatchList(
            query=_query_info(query),
            confident=confident,
            confidence=round(certainty, 4),
            message=None if confident else "no confident match: the best candidates are weak",
            data=data,
            count=len(data),
        )


def _prefetch(session: Session, collection: str, ids: list[int]) -> list:
    """Load the rows of `ids` (and, for needs, their enterprises) in one query each, into the
    session's identity map, so that `session.get` of each candidate asks the database nothing
    (it asked once per candidate: 30 queries, a third of a search's time). The caller keeps
    the returned list while it reads them: the identity map holds rows only weakly."""
    if not ids:
        return []
    model = MODELS[collection][0]
    rows: list = list(session.exec(select(model).where(col(model.id).in_(ids))).all())
    if model is Need:
        owners = {n.enterprise_id for n in rows}
        rows += session.exec(select(Enterprise).where(col(Enterprise.id).in_(owners))).all()
    return rows


def _briefs(findings: list) -> list[FindingBrief]:
    return [FindingBrief.model_validate(f, from_attributes=True) for f in findings]


def _dossier_filter(index: SearchIndex, catalog: SectorCatalog, filters: DossierFilters,
                    blocked: set[int]):
    wanted_themes = catalog.themes(list(filters.sector_codes))
    priority = catalog.priority_themes(filters.jurisdiction, date.today()) \
        if filters.jurisdiction else set()
    today = local_today()

    def allowed(i: int) -> bool:  # called under the index's read lock
        doc: Document = index.dossiers.docs[i]
        if i in blocked:  # prohibited for transfer: never suggested, whatever the filters
            return False
        if filters.dossier_ids is not None and i not in filters.dossier_ids:
            return False
        if not filters.include_inactive and (doc.status != "active"
                                             or is_expired(doc.valid_until, today)):
            return False
        doc_themes = catalog.themes(list(doc.sector_codes))
        if filters.sector_codes and not doc_themes & wanted_themes:
            return False
        if filters.jurisdiction and not doc_themes & priority:
            return False
        if filters.origin_country and doc.origin_country != filters.origin_country.upper():
            return False
        if filters.min_trl is not None and (doc.trl or 0) < filters.min_trl:
            return False
        return not (filters.transfer_mode and filters.transfer_mode not in doc.transfer_modes)

    return allowed


def _suggestion(cand: Candidate, doc: Document, kind: str, score: float, sector: float,
                feas: Feasibility, explanation: str) -> Suggestion:
    return Suggestion(
        id=cand.id,
        kind=kind,
        title=doc.title,
        score=round(score, 4),
        breakdown=Breakdown(
            semantic=round(cand.channels.get("dense", 0.0), 4),
            cosine=None if cand.cosine is None else round(cand.cosine, 4),
            lexical=round(max(cand.channels.get("lex_en", 0.0),
                              cand.channels.get("lex_vi", 0.0)), 4),
            sector=sector,
            feasibility=round(feas.score, 4),
        ),
        explanation=explanation,
    )


def _nothing(query: Query, why: str) -> MatchList:
    """The answer when nothing may be suggested (a text without a topic, a record expired or
    prohibited): an empty, unconfident list that says why."""
    return MatchList(query=_query_info(query), confident=False, confidence=0.0, message=why,
                     data=[], count=0)


def _query_info(query: Query) -> QueryInfo:
    return QueryInfo(
        text=query.original,
        language=query.language,
        restored_text=query.text if query.restored else None,
        translated_terms=list(dict.fromkeys(f"{t.vi} → {t.en[0]}" for t in query.translations)),
    )
