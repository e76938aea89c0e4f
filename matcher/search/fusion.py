"""Score normalisation and fusion of retrieval channels: small pure functions over id → score."""

from collections.abc import Mapping

Scores = Mapping[int, float]


def normalize_max(scores: Scores) -> dict[int, float]:
    """Scores divided by the best one, so the top document gets 1.0."""
    if not scores:
        return {}
    top = max(scores.values())
    return {i: (s / top if top > 0 else 0.0) for i, s in scores.items()}


def normalize_minmax(scores: Scores, floor: float | None = None) -> dict[int, float]:
    """Scores mapped linearly onto [0, 1] between `floor` (default: the lowest) and the best."""
    if not scores:
        return {}
    top = max(scores.values())
    low = min(scores.values()) if floor is None else floor
    span = top - low
    return {i: (max(s - low, 0.0) / span if span > 0 else 1.0) for i, s in scores.items()}


def reciprocal_rank(channels: Mapping[str, Scores], k: int = 60,
                    weights: Mapping[str, float] | None = None) -> dict[int, float]:
    """Reciprocal-rank fusion: each channel adds weight / (k + rank) for the documents it ranks."""
    fused: dict[int, float] = {}
    for name, scores in channels.items():
        weight = 1.0 if weights is None else weights.get(name, 0.0)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        for rank, (doc, _) in enumerate(ranked, start=1):
            fused[doc] = fused.get(doc, 0.0) + weight / (k + rank)
    return fused


def top_k(scores: Scores, k: int) -> list[tuple[int, float]]:
    """The k best (id, score) pairs, ties broken by id for a stable order."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
