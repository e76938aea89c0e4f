"""Builds `seed_data/lexicon/induced.tsv`: Vietnamese n-grams the lexicon lacks, each paired with
its nearest English phrase of the offers by e5 cosine with the CSLS hubness correction.

`python -m benchmarks.induce_lexicon [--threshold T]`. Vietnamese candidates come from domain
text that is not the dev split (the seed's needs and Vietnamese dossiers, the Vietnamese legal
text, the Vietnamese side of Tatoeba and XQuAD); English candidates are the frequent 1–3-word
phrases of the offers' titles and texts. Both sides are embedded as e5 queries through the
embedding cache (`benchmarks/.cache/induction.sqlite`), so a re-run embeds nothing. A tenth of
the hand-written entries is induced as if unknown, to measure precision by threshold
(`results/induce_lexicon.md`). Deterministic: same inputs, same files.
"""

import argparse
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.devset import SHARED
from benchmarks.report import markdown_table, write_result
from embeddings.cache import EmbeddingCache
from embeddings.e5 import E5Embedder
from matcher.platform.config import REPO_ROOT
from matcher.search.lexical import english_tokens
from matcher.text.induction import (
    csls_neighbours,
    english_phrases,
    fragments,
    look_alike,
    plausible_vietnamese,
    vietnamese_ngrams,
)
from matcher.text.lexicon import COLUMNS, Entry, Lexicon, read_entries
from matcher.text.vietnamese import fold, tokenize

LEXICON_DIR = REPO_ROOT / "seed_data" / "lexicon"
INDUCED = LEXICON_DIR / "induced.tsv"
SCORES = LEXICON_DIR / "induced_scores.txt"  # not *.tsv: the lexicon loader must not read it
CACHE = REPO_ROOT / "benchmarks" / ".cache" / "induction.sqlite"
CANDIDATES = REPO_ROOT / "benchmarks" / ".cache" / "induction_candidates.jsonl"

MIN_VI_COUNT = 3  # occurrences in the Vietnamese domain text
MAX_VI = 9000  # the most frequent candidates; keeps embedding to minutes on 2 cores
MIN_EN_DF = 5  # offers a phrase occurs in
MAX_EN = 12000
CSLS_K = 10
HELD_OUT_SHARE = 10  # one entry in ten
THRESHOLD = 0.05  # CSLS; chosen on held-out precision and dev nDCG (benchmarks/README.md)


@dataclass(frozen=True)
class Scored:
    """A Vietnamese phrase with its best English phrase and how sure the pairing is."""

    vi: str
    en: str
    cosine: float
    csls: float
    mutual: bool
    count: int


def hand_entries(directory: Path = LEXICON_DIR) -> list[Entry]:
    """The hand-written entries (every file but the induced one)."""
    return [e for e in read_entries(directory) if not e.source.startswith(INDUCED.name)]


def vietnamese_texts(shared: Path = SHARED) -> Iterator[str]:
    """Vietnamese domain text that is not the dev split."""
    seed = REPO_ROOT / "seed_data"
    for line in (seed / "needs.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        yield from (row["title"], row["problem"], row["desired_result"])
    for path in sorted((seed / "dossiers").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            if row["language"] == "vi":
                yield from (row["title"], row["summary"], row["description"], row["advantages"])
    for path in sorted((shared / "data" / "vn-legal-tech").glob("*.txt")):
        yield from path.read_text("utf-8").splitlines()
    yield from (shared / "data" / "tatoeba-vie-eng" / "tatoeba.vie-eng.vie.txt"
                ).read_text("utf-8").splitlines()
    xquad = shared / "data" / "xquad-vi-en"
    for line in (xquad / "corpus_vi.jsonl").read_text("utf-8").splitlines():
        yield json.loads(line)["text"]
    for line in (xquad / "queries_vi.jsonl").read_text("utf-8").splitlines():
        yield json.loads(line)["question"]


def offer_texts(shared: Path = SHARED) -> Iterator[str]:
    """Title and text of every offer of the corpus."""
    with (shared / "eval" / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield f"{row['title']}. {row['text']}"


def held_out(entry: Entry) -> bool:
    """A fixed tenth of the entries, chosen by a hash of the Vietnamese side."""
    digest = hashlib.sha256(fold(entry.vi).encode("utf-8")).digest()
    return digest[0] % HELD_OUT_SHARE == 0


def vietnamese_candidates(lexicon: Lexicon, shared: Path = SHARED) -> list[tuple[str, int]]:
    """N-grams of the domain text within the runs the hand lexicon leaves untranslated, in which
    it finds nothing at all (so an induced entry fills a gap and rarely overrides a hand-written
    one), most frequent first."""
    known = {tuple(fold(e.vi).split()) for e in lexicon.entries if e.en}
    counts = vietnamese_ngrams(vietnamese_texts(shared), known, max_n=5)  # 5: fragments of
    pieces = fragments(counts)  # 4-grams are seen inside 5-grams
    chosen = [(gram, n) for gram, n in counts.items()
              if n >= MIN_VI_COUNT and gram not in pieces and len(gram.split()) <= 4
              and plausible_vietnamese(gram) and not lexicon.translate(gram)]
    chosen.sort(key=lambda item: (-item[1], item[0]))
    return chosen[:MAX_VI]


def english_candidates(shared: Path = SHARED) -> list[str]:
    """The most frequent offer phrases that still hold a content word once stemmed, and a word
    of three letters or more (two-letter "ca", "ni", "em" are abbreviations that e5 pairs with
    Vietnamese syllables of the same spelling)."""
    frequency = english_phrases(offer_texts(shared))
    chosen = [(p, n) for p, n in frequency.items()
              if n >= MIN_EN_DF and english_tokens(p) and max(map(len, p.split())) >= 3]
    chosen.sort(key=lambda item: (-item[1], item[0]))
    return [p for p, _ in chosen[:MAX_EN]]


def same_term(induced: str, renderings: tuple[str, ...]) -> bool:
    """Whether an induced English phrase is one of the renderings, stems compared as sets."""
    stems = set(english_tokens(induced))
    return any(stems == set(english_tokens(r)) for r in renderings)


def overlapping_term(induced: str, renderings: tuple[str, ...]) -> bool:
    """Whether the induced phrase shares a stemmed content word with a rendering (what BM25
    would match on)."""
    stems = set(english_tokens(induced))
    return any(stems & set(english_tokens(r)) for r in renderings)


def induce(shared: Path = SHARED
           ) -> tuple[list[Scored], list[tuple[Entry, Scored]], list[str]]:
    """Scored candidates; the held-out hand entries each with what induction gave it; and for
    each of those the nearest English phrase by plain cosine (no hubness correction)."""
    entries = hand_entries()
    test = [e for e in entries if held_out(e) and 1 <= len(tokenize(e.vi)) <= 4]
    vi = vietnamese_candidates(Lexicon(entries), shared)
    en = english_candidates(shared)
    print(f"{len(vi)} Vietnamese candidates, {len(en)} English phrases, {len(test)} held out")
    embedder, cache = E5Embedder(), EmbeddingCache(CACHE)
    sources = [g for g, _ in vi] + [e.vi.lower() for e in test]
    vi_vectors = cache.embed(embedder, sources, is_query=True, batch_size=64)
    en_vectors = cache.embed(embedder, en, is_query=True, batch_size=64)
    found = csls_neighbours(vi_vectors, en_vectors, CSLS_K)
    plain = (vi_vectors[len(vi):] @ en_vectors.T).argmax(axis=1)
    scored = [Scored(text, en[n.target], round(n.cosine, 4), round(n.csls, 4), n.mutual,
                     vi[i][1] if i < len(vi) else 0)
              for i, (text, n) in enumerate(zip(sources, found, strict=True))]
    return (scored[: len(vi)], list(zip(test, scored[len(vi):], strict=True)),
            [en[int(t)] for t in plain])


def precision_table(tested: list[tuple[Entry, Scored]], thresholds: list[float]) -> list[list]:
    """Held-out precision by CSLS threshold, for every pair and for mutual neighbours only."""
    rows = []
    for mutual_only in (False, True):
        for t in thresholds:
            kept = [(e, s) for e, s in tested
                    if acceptable(s, t) and (s.mutual or not mutual_only)]
            exact = sum(same_term(s.en, e.en) for e, s in kept)
            overlap = sum(overlapping_term(s.en, e.en) for e, s in kept)
            n = max(len(kept), 1)
            rows.append(["mutual NN" if mutual_only else "all", t, len(kept),
                         round(len(kept) / len(tested), 3), round(exact / n, 3),
                         round(overlap / n, 3)])
    return rows


def acceptable(pair: Scored, threshold: float) -> bool:
    """At or above the CSLS threshold, and not a look-alike (a false friend by spelling)."""
    return pair.csls >= threshold and not look_alike(pair.vi, pair.en)


def accepted(scored: list[Scored], threshold: float) -> list[Scored]:
    """The acceptable candidates, sorted by their Vietnamese side."""
    return sorted((s for s in scored if acceptable(s, threshold)), key=lambda s: (s.vi, s.en))


def write_lexicon(chosen: list[Scored], path: Path = INDUCED, scores: Path = SCORES) -> None:
    """The lexicon file (the four columns, kind `induced`) and its review file of scores."""
    lines = ["\t".join(COLUMNS)] + [f"{s.vi}\t{s.en}\tgeneral\tinduced" for s in chosen]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    review = ["vi\ten\tcosine\tcsls\tmutual\tcount"] + [
        f"{s.vi}\t{s.en}\t{s.cosine:.4f}\t{s.csls:.4f}\t{int(s.mutual)}\t{s.count}" for s in chosen]
    scores.write_text("\n".join(review) + "\n", encoding="utf-8")


def save_candidates(scored: list[Scored], path: Path = CANDIDATES) -> None:
    """Every scored candidate, for the dev measurement at several thresholds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for s in scored:
            handle.write(json.dumps(s.__dict__, ensure_ascii=False) + "\n")


def load_candidates(path: Path = CANDIDATES) -> list[Scored]:
    return [Scored(**json.loads(line)) for line in path.read_text("utf-8").splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args()
    scored, tested, plain_nearest = induce(args.shared)
    save_candidates(scored)
    thresholds = [-1.0, 0.0, 0.02, 0.04, 0.05, 0.06, 0.08, 0.10, 0.12]
    rows = precision_table(tested, thresholds)
    plain = [(e, en) for (e, _), en in zip(tested, plain_nearest, strict=True)
             if not look_alike(e.vi, en)]
    rows.append(["plain cosine NN (no hubness correction)", "", len(plain),
                 round(len(plain) / len(tested), 3),
                 round(sum(same_term(en, e.en) for e, en in plain) / len(plain), 3),
                 round(sum(overlapping_term(en, e.en) for e, en in plain) / len(plain), 3)])
    table = markdown_table(["pairs", "CSLS ≥", "kept", "share kept", "precision (same term)",
                            "precision (shares a word)"], rows)
    chosen = accepted(scored, args.threshold)
    write_lexicon(chosen)
    table += (f"\n\n{len(tested)} held-out hand entries; {len(scored)} candidates, "
              f"{len(chosen)} accepted at CSLS ≥ {args.threshold} → {INDUCED.name}")
    print(table)
    write_result("induce_lexicon", {"threshold": args.threshold, "candidates": len(scored),
                                    "accepted": len(chosen), "held_out": len(tested)}, table)


if __name__ == "__main__":
    main()
