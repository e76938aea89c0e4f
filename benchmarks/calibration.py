"""Seed-needs benchmark: match quality on the labelled seed needs, fusion variants and the
stages after retrieval (sector bonus, feasibility) side by side, and the `no confident match`
threshold calibrated on the needs nothing in the seed satisfies.

The seed needs belong to enterprises with a size, engineers and a budget, so the feasibility
stage can be measured here (the dev split's needs carry no enterprise). A stage is switched off
by patching it out of `matcher.search.matches` for one pass.
"""

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from unittest.mock import patch

import numpy as np
from sklearn.metrics import roc_auc_score
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, select
from tqdm import tqdm

from benchmarks.metrics import RetrievalEvaluator
from benchmarks.report import markdown_table, write_result
from embeddings.cache import EmbeddingCache
from embeddings.e5 import E5Embedder
from matcher.ingest.seed import load_seed
from matcher.models import Dossier, Enterprise, Need
from matcher.platform.config import REPO_ROOT, Settings
from matcher.platform.db import make_engine
from matcher.platform.runtime import Runtime, build_runtime
from matcher.rules.feasibility import Feasibility, assess
from matcher.search.matches import DossierFilters, MatchList
from matcher.search.retrieval import DEFAULT_WEIGHTS

SEED = REPO_ROOT / "seed_data"
CACHE = REPO_ROOT / "benchmarks" / ".cache" / "embeddings.sqlite"
VARIANTS = {
    "dense only": {"dense": 1.0},
    "lexical only (lexicon + Vietnamese BM25)": {"lex_en": 1.0, "lex_vi": 1.0},
    "engine weights": DEFAULT_WEIGHTS,
}

STAGES = {  # ablations of the engine weights: stages switched off
    "engine − sector bonus": ("sector",),
    "engine − feasibility": ("feasibility",),
    "fused retrieval only (− both)": ("sector", "feasibility"),
}


@contextmanager
def stages_off(stages: tuple[str, ...]) -> Iterator[None]:
    """Within the block, the match service ranks without the named stages."""
    with ExitStack() as stack:
        if "sector" in stages:
            stack.enter_context(patch("matcher.search.matches.SECTOR_BONUS", 0.0))
        if "feasibility" in stages:
            stack.enter_context(patch("matcher.search.matches.assess",
                                      lambda *args, **kwargs: Feasibility()))
        yield


def seeded_runtime(cache_path: Path | None = CACHE) -> Runtime:
    """The whole seed in an in-memory database, indexed (embeddings cached at `cache_path`)."""
    engine = make_engine("sqlite://", poolclass=StaticPool)
    settings = Settings(seed_dir=SEED, _env_file=None)
    runtime = build_runtime(settings, engine=engine, embedder=E5Embedder(), persist=False)
    runtime.index.cache = EmbeddingCache(cache_path)
    with Session(engine) as session:
        load_seed(session, SEED)
        session.commit()
        with tqdm(total=runtime.index.pending(session), desc="indexing seed") as bar:
            runtime.index.repair(session, bar.update)
    return runtime


def labelled_lists(runtime: Runtime, session: Session, labels: dict[str, dict[str, int]],
                   limit: int) -> Iterator[tuple[Need, Enterprise | None, MatchList]]:
    """Each labelled seed need, its enterprise, and the `limit` dossiers matched for it within
    the enterprise's jurisdiction (what the province's brokers see)."""
    for need in session.exec(select(Need)).all():
        if need.ref not in labels:
            continue
        enterprise = session.get(Enterprise, need.enterprise_id)
        filters = DossierFilters(jurisdiction=enterprise.jurisdiction if enterprise else None)
        yield need, enterprise, runtime.matches.for_need(session, need, filters, limit)


def load_labels(path: Path = SEED / "labels.jsonl") -> dict[str, dict[str, int]]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {row["need"]: row["relevant"] for row in rows}


FALSE_ALARMS = 0.10  # share of answerable needs we accept to see flagged "no confident match"


def threshold_for(scores: list[float], has_match: list[bool],
                  false_alarms: float = FALSE_ALARMS) -> tuple[float, float, float]:
    """The highest cut that flags (score below the cut) at most `false_alarms` of the needs
    that have a match. Returns the cut, the share of no-match needs it flags, and the share of
    matchable needs it flags.

    Needs without a match are few, so the accuracy-maximising cut is "never flag"; fixing the
    rate of false alarms a broker will tolerate and catching as many no-match needs as possible
    under it is the useful operating point.
    """
    matched = sorted(s for s, m in zip(scores, has_match, strict=True) if m)
    allowed = int(false_alarms * len(matched))
    cut = (matched[allowed - 1] + matched[allowed]) / 2 if allowed else matched[0]
    return (cut, *flag_rates(scores, has_match, cut))


def flag_rates(scores: list[float], has_match: list[bool], cut: float) -> tuple[float, float]:
    """Shares of the no-match needs and of the matchable needs whose score is below `cut`."""
    unmatched = [s < cut for s, m in zip(scores, has_match, strict=True) if not m]
    matched = [s < cut for s, m in zip(scores, has_match, strict=True) if m]
    return sum(unmatched) / max(1, len(unmatched)), sum(matched) / max(1, len(matched))


def main() -> None:
    runtime = seeded_runtime()
    labels = load_labels()
    evaluator = RetrievalEvaluator({k: v or {"-": 0} for k, v in labels.items()})
    rows, results = [], {}
    with runtime.session() as session:
        refs = {d.id: d.ref for d in session.exec(select(Dossier)).all()}
        passes = [(name, weights, ()) for name, weights in VARIANTS.items()]
        passes += [(name, DEFAULT_WEIGHTS, off) for name, off in STAGES.items()]
        for name, weights, off in passes:
            runtime.matches.weights = weights
            run, confidences, infeasible = {}, {}, []
            with stages_off(off):
                for need, enterprise, found in labelled_lists(runtime, session, labels, 50):
                    run[need.ref] = [refs[s.id] for s in found.data]
                    confidences[need.ref] = found.confidence
                    infeasible += [assess(session.get(Dossier, s.id), enterprise, need,
                                          runtime.matches.rates).score < 1
                                   for s in found.data[:10]]
            scores = evaluator(run)
            share = sum(infeasible) / max(1, len(infeasible))
            results[name] = {"metrics": scores, "confidence": confidences,
                             "infeasible_at_10": share}
            rows.append([name, scores["ndcg@10"], scores["recall@50"], scores["mrr@10"],
                         f"{share:.3f}"])
        runtime.matches.weights = DEFAULT_WEIGHTS
    confidences = results["engine weights"]["confidence"]
    refs_order = list(confidences)
    has_match = [bool(labels[r]) for r in refs_order]
    scores = [confidences[r] for r in refs_order]
    cut, caught, false_alarms = threshold_for(scores, has_match)
    shipped = Settings(_env_file=None).min_confidence
    shipped_caught, shipped_false = flag_rates(scores, has_match, shipped)
    no_match = [confidences[r] for r, m in zip(refs_order, has_match, strict=True) if not m]
    matched = [confidences[r] for r, m in zip(refs_order, has_match, strict=True) if m]
    table = markdown_table(["system (seed needs)", "nDCG@10", "R@50", "MRR@10",
                            "infeasible share of top 10"], rows)
    table += (f"\n\nno-match calibration: {len(no_match)} needs without a match, "
              f"{len(matched)} with; confidence median {np.median(no_match):.3f} vs "
              f"{np.median(matched):.3f}; ROC AUC {roc_auc_score(has_match, scores):.3f}. "
              f"Cut allowing {FALSE_ALARMS:.0%} false alarms: {cut:.3f}, flags {caught:.0%} of "
              f"the no-match needs and {false_alarms:.0%} of the others; the shipped "
              f"`min_confidence` {shipped:.3f} flags {shipped_caught:.0%} and "
              f"{shipped_false:.0%}")
    print(table)
    write_result("calibration", {"variants": {k: {**v["metrics"],
                                                  "infeasible_at_10": v["infeasible_at_10"]}
                                              for k, v in results.items()},
                                 "threshold": cut, "no_match_flagged": caught,
                                 "matchable_flagged": false_alarms, "shipped": shipped,
                                 "confidence_no_match": no_match,
                                 "confidence_match": matched}, table)


if __name__ == "__main__":
    main()
