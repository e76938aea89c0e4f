"""Retrieval metrics over graded judgments, gathered in one evaluator with named keys."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

Qrels = Mapping[str, Mapping[str, int]]  # query id → document id → grade (0 = judged irrelevant)
Run = Mapping[str, Sequence[str]]  # query id → ranked document ids


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with exponential gain: sum (2^g − 1) / log2(rank + 1)."""
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """nDCG@k; unjudged documents count as grade 0. 0 when nothing is relevant."""
    ideal = dcg(sorted((g for g in judged.values() if g > 0), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([judged.get(doc, 0) for doc in ranked[:k]]) / ideal


def recall_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """Share of the relevant documents (grade ≥ 1) found in the top k."""
    relevant = {doc for doc, g in judged.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def mrr_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """1 / rank of the first relevant document within the top k, else 0."""
    for rank, doc in enumerate(ranked[:k], start=1):
        if judged.get(doc, 0) > 0:
            return 1.0 / rank
    return 0.0


def unjudged_at(ranked: Sequence[str], judged: Mapping[str, int], k: int) -> float:
    """Share of the top k that was never judged (a new system may find unjudged relevant ones)."""
    top = ranked[:k]
    return sum(doc not in judged for doc in top) / len(top) if top else 0.0


@dataclass
class RetrievalEvaluator:
    """Scores a run against graded judgments; `ndcg@10` is the primary metric.

    Queries whose judged pool holds no relevant document are "no match" queries: they are left
    out of the ranking metrics and counted separately by `no_match_accuracy`.
    """

    qrels: Qrels
    primary: str = "ndcg@10"
    ks: dict[str, int] = field(default_factory=lambda: {"ndcg": 10, "recall": 50, "mrr": 10,
                                                        "unjudged": 10})

    def has_relevant(self, qid: str) -> bool:
        return any(g > 0 for g in self.qrels.get(qid, {}).values())

    def per_query(self, run: Run) -> dict[str, dict[str, float]]:
        """Every metric for every query that has a relevant document."""
        out = {}
        for qid, ranked in run.items():
            if not self.has_relevant(qid):
                continue
            judged = self.qrels[qid]
            out[qid] = {
                f"ndcg@{self.ks['ndcg']}": ndcg_at(ranked, judged, self.ks["ndcg"]),
                f"recall@{self.ks['recall']}": recall_at(ranked, judged, self.ks["recall"]),
                f"mrr@{self.ks['mrr']}": mrr_at(ranked, judged, self.ks["mrr"]),
                f"unjudged@{self.ks['unjudged']}": unjudged_at(ranked, judged,
                                                               self.ks["unjudged"]),
            }
        return out

    def __call__(self, run: Run, qids: Sequence[str] | None = None) -> dict[str, float]:
        """Mean of each metric over the queries (optionally a subset) with a relevant document."""
        scores = self.per_query(run)
        chosen = [q for q in (qids if qids is not None else scores) if q in scores]
        if not chosen:
            return {}
        keys = next(iter(scores.values())).keys()
        result = {key: sum(scores[q][key] for q in chosen) / len(chosen) for key in keys}
        result["queries"] = len(chosen)
        return result

    def no_match_accuracy(self, confident: Mapping[str, bool]) -> dict[str, float]:
        """How often the engine's confidence flag agrees with the judged pool."""
        match = [q for q in confident if self.has_relevant(q)]
        none = [q for q in confident if not self.has_relevant(q)]
        right = sum(confident[q] for q in match) + sum(not confident[q] for q in none)
        return {
            "accuracy": right / len(confident) if confident else 0.0,
            "no_match_queries": len(none),
            "no_match_flagged": sum(not confident[q] for q in none),
            "match_queries_flagged": sum(not confident[q] for q in match),
        }
