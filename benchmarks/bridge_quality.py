"""The bridge grown from data, measured on the dev split: coverage of the needs' syllables and
BM25 on the lexicon translation, before and after induced entries, at several thresholds.

`python -m benchmarks.bridge_quality` (after `python -m benchmarks.induce_lexicon`, whose scored
candidates it reads from `benchmarks/.cache`). Lexical only: nothing of the corpus is embedded.
Also measured: entries from Dice alignment of the parallel text (Tatoeba, XQuAD questions), and
weighting each English alternative instead of counting every one at full weight (bm25s has no
per-token query weights, only per-document masks, so weighted queries sum the token columns
of its score matrix here).
"""

import argparse
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.devset import SHARED, DevQuery, load_corpus, load_qrels, load_queries
from benchmarks.induce_lexicon import (
    accepted,
    hand_entries,
    held_out,
    load_candidates,
    overlapping_term,
    same_term,
)
from benchmarks.metrics import RetrievalEvaluator
from benchmarks.quality import STYLES, by_style
from benchmarks.report import markdown_table, write_result
from matcher.platform.runtime import default_restorer
from matcher.search.lexical import VI_STOPWORDS, BM25Channel, english_tokens
from matcher.search.query import Query, QueryBuilder
from matcher.text.induction import dice_alignment
from matcher.text.lexicon import Entry, Lexicon
from matcher.text.vietnamese import fold, is_syllable, strip_diacritics, tokenize

Weigher = Callable[[Query], dict[str, float]]


def weighted_scores(channel: BM25Channel, weights: dict[str, float]) -> np.ndarray:
    """BM25 of every document for a query whose tokens carry weights: the weighted sum of the
    tokens' columns of bm25s's precomputed score matrix (equal to `get_scores` when every
    weight is the token's count in the query)."""
    bm25 = channel._bm25
    matrix = bm25.scores
    out = np.zeros(matrix["num_docs"], dtype=np.float64)
    for token, weight in weights.items():
        token_id = bm25.vocab_dict.get(token)
        if token_id is None or not weight:
            continue
        start, end = matrix["indptr"][token_id], matrix["indptr"][token_id + 1]
        out[matrix["indices"][start:end]] += weight * matrix["data"][start:end]
    return out


def counted(query: Query) -> dict[str, float]:
    """The engine today: every token of every alternative, repeated tokens counted again."""
    weights: dict[str, float] = defaultdict(float)
    for token in query.en_tokens:
        weights[token] += 1.0
    return weights


def ranked_alternatives(alternative: float, induced: dict[str, float] | None = None,
                        induced_weight: float = 1.0) -> Weigher:
    """The first rendering of an entry at 1, each later one at `alternative`; a stem takes the
    highest weight it gets within an entry, and entries add up. Induced entries (by their
    Vietnamese side) count `induced_weight` times."""
    def weigh(query: Query) -> dict[str, float]:
        weights: dict[str, float] = defaultdict(float)
        for tr in query.translations:
            scale = induced_weight if induced and tr.vi in induced else 1.0
            within: dict[str, float] = {}
            for rank, rendering in enumerate(tr.en):
                for token in english_tokens(rendering):
                    within[token] = max(within.get(token, 0.0), 1.0 if rank == 0 else alternative)
            for token, w in within.items():
                weights[token] += scale * w
        known = {t for tr in query.translations for r in tr.en for t in english_tokens(r)}
        for token in query.en_tokens:  # the foreign words (PLC, biogas) typed in the need
            if token not in known:
                weights[token] += 1.0
        return weights
    return weigh


def coverage(builder: QueryBuilder, queries: list[DevQuery]) -> dict[str, float]:
    """Share of the needs' syllables (and of their content syllables) inside a translated
    phrase, overall and per style."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for q in queries:
        query = builder.build(q.text)
        syllables = tokenize(query.text)
        content = [s for s in syllables if strip_diacritics(s) not in VI_STOPWORDS]
        covered = sum(len(tokenize(tr.vi)) for tr in query.translations)
        covered_content = sum(
            len([s for s in tokenize(tr.vi) if strip_diacritics(s) not in VI_STOPWORDS])
            for tr in query.translations)
        for key in ("overall", q.style):
            t = totals[key]
            t[0] += covered
            t[1] += len(syllables)
            t[2] += covered_content
            t[3] += len(content)
    return {f"{key} {kind}": round(t[i] / max(t[i + 1], 1), 3)
            for key, t in totals.items() for i, kind in ((0, "all"), (2, "content"))}


def evaluate(builder: QueryBuilder, weigh: Weigher, channel: BM25Channel, names: list[str],
             queries: list[DevQuery], evaluator: RetrievalEvaluator) -> dict[str, dict]:
    """nDCG@10, R@50, MRR@10, unjudged@10 of BM25 on the translation, overall and per style."""
    run: dict[str, list[str]] = {}
    for q in queries:
        scores = weighted_scores(channel, weigh(builder.build(q.text)))
        hits = np.nonzero(scores > 0)[0]
        order = hits[np.lexsort((hits, -scores[hits]))][:100]  # ties by id, as top_k
        run[q.qid] = [names[i] for i in order]
    return {"overall": evaluator(run), **by_style(evaluator, run, queries)}


def dice_entries(shared: Path, min_count: int = 3) -> list[tuple[str, str, float, int]]:
    """Syllable 1–2-grams → English word by Dice over Tatoeba pairs and XQuAD questions."""
    tatoeba = shared / "data" / "tatoeba-vie-eng"
    pairs = list(zip((tatoeba / "tatoeba.vie-eng.vie.txt").read_text("utf-8").splitlines(),
                     (tatoeba / "tatoeba.vie-eng.eng.txt").read_text("utf-8").splitlines(),
                     strict=True))
    xquad = shared / "data" / "xquad-vi-en"
    vi_q = {r["qid"]: r["question"] for r in map(json.loads, (xquad / "queries_vi.jsonl")
                                                 .read_text("utf-8").splitlines())}
    en_q = {r["qid"]: r["question"] for r in map(json.loads, (xquad / "queries_en.jsonl")
                                                 .read_text("utf-8").splitlines())}
    pairs += [(vi_q[k], en_q[k]) for k in sorted(vi_q) if k in en_q]

    def vi_units(text: str) -> set[str]:
        syl = [s for s in tokenize(text) if is_syllable(s)]
        grams = {s for s in syl if strip_diacritics(s) not in VI_STOPWORDS}
        grams |= {f"{a} {b}" for a, b in zip(syl, syl[1:], strict=False)
                  if strip_diacritics(a) not in VI_STOPWORDS
                  and strip_diacritics(b) not in VI_STOPWORDS}
        return grams

    def en_units(text: str) -> set[str]:
        return {w for w in text.lower().replace("?", " ").replace(".", " ").split()
                if w.isalpha() and english_tokens(w)}

    aligned = dice_alignment(pairs, vi_units, en_units, min_count)
    return sorted((v, e, d, n) for v, (e, d, n) in aligned.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    hand = hand_entries()
    queries = load_queries(args.shared)
    evaluator = RetrievalEvaluator(load_qrels(args.shared))
    docs, names = load_corpus(args.shared)
    channel = BM25Channel([d.id for d in docs], [english_tokens(d.text) for d in docs])
    restore = default_restorer()
    candidates = load_candidates()
    rows, data = [], {}

    def measure(label: str, entries: list[Entry], weigh: Weigher = counted) -> None:
        builder = QueryBuilder(Lexicon(entries), restore=restore)
        result = evaluate(builder, weigh, channel, names, queries, evaluator)
        cov = coverage(builder, queries)
        data[label] = {"metrics": result, "coverage": cov, "entries": len(entries)}
        o = result["overall"]
        rows.append([label, len(entries) - len(hand), cov["overall all"],
                     cov["overall content"], o["ndcg@10"], o["recall@50"], o["mrr@10"],
                     o["unjudged@10"], *(result[s]["ndcg@10"] for s in STYLES)])
        print(rows[-1], flush=True)

    def induced_entries(threshold: float, mutual: bool = False) -> list[Entry]:
        return [Entry(s.vi, (s.en,), "general", "induced", "induced")
                for s in accepted(candidates, threshold) if s.mutual or not mutual]

    measure("hand lexicon (today)", hand)
    for alternative in (1.0, 0.5, 0.25):
        measure(f"hand, each stem once an entry, alternatives at {alternative}", hand,
                ranked_alternatives(alternative))
    for t in (0.0, 0.02, 0.04, 0.05):
        measure(f"+ induced, CSLS ≥ {t}", hand + induced_entries(t))
    measure("+ induced, CSLS ≥ 0.0, mutual NN", hand + induced_entries(0.0, mutual=True))
    for t in (0.0, 0.02, 0.04, 0.05):
        chosen = induced_entries(t)
        for weight in (1.0, 0.5):
            measure(f"alternatives at 0.5 + induced, CSLS ≥ {t}, weight {weight}", hand + chosen,
                    ranked_alternatives(0.5, {e.vi: 1.0 for e in chosen}, weight))
    chosen = induced_entries(0.0, mutual=True)
    measure("alternatives at 0.5 + induced, CSLS ≥ 0.0, mutual NN, weight 0.5", hand + chosen,
            ranked_alternatives(0.5, {e.vi: 1.0 for e in chosen}, 0.5))
    aligned = dice_entries(args.shared)
    known = {fold(e.vi) for e in hand}
    tested = [(e, next((a for a in aligned if fold(a[0]) == fold(e.vi)), None))
              for e in hand if held_out(e)]
    tested_found = [(e, a) for e, a in tested if a is not None]
    for d in (0.3, 0.5):
        kept = [(e, a) for e, a in tested_found if a[2] >= d]
        exact = sum(same_term(a[1], e.en) for e, a in kept)
        overlap = sum(overlapping_term(a[1], e.en) for e, a in kept)
        data[f"dice held-out ≥ {d}"] = {"kept": len(kept), "same_term": exact,
                                        "shares_word": overlap}
        print(f"dice ≥ {d}: {len(kept)} held-out entries aligned, {exact} same term, "
              f"{overlap} share a word", flush=True)
        new = [Entry(v, (e,), "general", "aligned", "dice") for v, e, dice, _ in aligned
               if dice >= d and fold(v) not in known]
        measure(f"+ Dice alignment ≥ {d}", hand + new)
    header = ["lexicon", "entries added", "coverage (syllables)", "coverage (content)",
              "nDCG@10", "R@50", "MRR@10", "unjudged@10", "nDCG full", "nDCG short",
              "nDCG no-diacritics"]
    table = markdown_table(header, rows)
    print(table)
    write_result("bridge_quality", data, table)


if __name__ == "__main__":
    main()
