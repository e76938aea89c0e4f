"""Short explanations of a suggestion that a broker can read and check."""

from functools import lru_cache

from matcher.models.sector_catalog import SectorCatalog
from matcher.rules.feasibility import Feasibility
from matcher.search.documents import Document
from matcher.search.lexical import english_tokens, vietnamese_tokens
from matcher.search.query import Query


@lru_cache(maxsize=4096)
def _document_tokens(text: str, vietnamese: bool) -> frozenset[str]:
    """The tokens of a document's text, kept for the documents explained most recently: the
    same dossiers are explained again and again, and tokenizing a long Vietnamese text took
    a third of a search's time when done for each suggestion."""
    return frozenset(vietnamese_tokens(text) if vietnamese else english_tokens(text))


def shared_terms(query: Query, doc: Document, limit: int = 4) -> list[str]:
    """Query phrases found in the document, with their English renderings when translated."""
    found: list[str] = []
    if doc.language == "vi":
        doc_tokens = _document_tokens(doc.text, True)
        for tr in query.translations:
            if set(vietnamese_tokens(tr.vi)) <= doc_tokens:
                found.append(tr.vi)
    else:
        doc_tokens = _document_tokens(doc.text, False)
        for tr in query.translations:
            hit = next((en for en in tr.en if set(english_tokens(en)) <= doc_tokens
                        and english_tokens(en)), None)
            if hit:
                found.append(f"{tr.vi} → {hit}")
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=len, reverse=True)[:limit]


def explain(query: Query, doc: Document, query_sectors: list[str], catalog: SectorCatalog,
            feasibility: Feasibility | None, cosine: float | None) -> str:
    """One line: sector, shared terms, closeness of meaning, feasibility reasons and concerns."""
    parts: list[str] = []
    query_sectors = list(dict.fromkeys(query_sectors))  # each code once, however often given
    common = catalog.themes(query_sectors) & catalog.themes(list(doc.sector_codes))
    if common:
        codes = [c for c in query_sectors if catalog.themes([c]) & common]
        parts.append(f"same sector {', '.join(codes)} ({', '.join(sorted(common))})")
    elif query_sectors and doc.sector_codes:
        parts.append(f"other sector ({', '.join(dict.fromkeys(doc.sector_codes))})")
    terms = shared_terms(query, doc)
    if terms:
        parts.append("both about " + "; ".join(terms))
    if cosine is not None:
        parts.append(f"close in meaning (cosine {cosine:.2f})")
    if feasibility is not None:
        parts.extend(feasibility.reasons)
        parts.extend(feasibility.concerns)
    if query.restored:
        shown = query.text if len(query.text) <= 80 else query.text[:79].rsplit(" ", 1)[0] + "…"
        parts.append(f"read as “{shown}”")
    return "; ".join(parts)
