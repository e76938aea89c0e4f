"""Precision and recall of the near-duplicate detector (`matcher.catalogue.duplicates`).

The labelled set, `benchmarks/data/duplicates.jsonl`, is built by `--build` from the seed
dossiers and the NASA/SBIR corpus (`../shared/eval/corpus.jsonl`). It holds ids and recipes,
not texts (the corpus is read where it lies, never copied): each line is either a `catalogue`
record (the dossiers already stored) or a `probe` (a dossier arriving), with `duplicate_of`
the catalogue record it copies, or null:

- variants of catalogue records, positives: sentences shuffled, fields dropped (title and
  summary only), the title reworded with the description cut, the text truncated, Vietnamese
  typed without diacritics, and combinations;
- genuine duplicates of the seed: the same technology from two sources (`GENUINE`);
- hard negatives: records held out of the catalogue whose nearest catalogue records share
  their topic (seed dossiers of one sector; corpus records with their best BM25 neighbour put
  in the catalogue), and seed pairs on one narrow topic (`NEIGHBOURS`).

Each probe is checked by the real detector against an index of the catalogue (bundled e5,
through the embedding cache). At a threshold, a probe's flags are its candidates scoring at
least it: a flag of its original is a true positive, any other flag a false positive, an
original not flagged a false negative. The dense weight and threshold are chosen on the
`tune` half of the probes (best F1, then precision, then the higher threshold; among the
weights with a dense part, `USABLE`) and reported on the `test` half.

`python -m benchmarks.duplicates` evaluates; `--build` writes the set anew first.
"""

import argparse
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from benchmarks.devset import SHARED
from benchmarks.report import markdown_table, write_result
from embeddings.cache import EmbeddingCache
from embeddings.e5 import E5Embedder
from matcher.catalogue.duplicates import DuplicateDetector
from matcher.catalogue.likeness import combine
from matcher.platform.config import REPO_ROOT
from matcher.platform.runtime import default_restorer, embedding_text
from matcher.search.documents import Document, join_fields
from matcher.search.fusion import top_k
from matcher.search.index import SearchIndex
from matcher.search.lexical import BM25Channel, english_tokens
from matcher.search.query import QueryBuilder
from matcher.text.lexicon import Lexicon
from matcher.text.vietnamese import strip_diacritics

SET = REPO_ROOT / "benchmarks" / "data" / "duplicates.jsonl"
CACHE = REPO_ROOT / "benchmarks" / ".cache" / "embeddings.sqlite"
SEED = REPO_ROOT / "seed_data"
FIELDS = ("title", "summary", "description", "advantages")
# The same technology offered by two sources in the seed (read by hand): probe, original.
GENUINE = [("D-0339", "D-0029")]  # RFID self-service library: Techmart and KISTI
# Seed pairs on one narrow topic that are different technologies: the first is a probe.
NEIGHBOURS = [("D-0258", "D-0154"), ("D-0274", "D-0159"), ("D-0340", "D-0009"),
              ("D-0296", "D-0065")]
HELD_OUT_SEED = 30  # further seed dossiers held out as negative probes
CORPUS_PAIRS = 40  # corpus records whose best BM25 neighbour is in the catalogue
SEED_VARIANTS = 70
CORPUS_VARIANTS = 40
KINDS = ("shuffle", "fields", "title", "truncate", "combo")
WEIGHTS = (0.0, 0.3, 0.5, 0.7, 1.0)
# The weights the detector may use: the set has no pair across languages (none in the seed,
# and no translation offline), where only the dense part sees the likeness; so a weight
# without a dense part, however well it scores here, is not chosen.
USABLE = (0.3, 0.5, 0.7)
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(13)]
_SENTENCE = re.compile(r"(?<=[.!?;])\s+")


# -- building the set --------------------------------------------------------------------------

def seed_records() -> dict[str, dict]:
    rows = [json.loads(line) for path in sorted((SEED / "dossiers").glob("*.jsonl"))
            for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {f"seed:{r['ref']}": {**{f: r.get(f, "") for f in FIELDS},
                                 "keywords": r.get("keywords", []),
                                 "language": r.get("language", "en")} for r in rows}


def corpus_records(shared: Path = SHARED) -> dict[str, dict]:
    """Corpus offers as dossier fields: the first sentence as summary, the rest description."""
    records = {}
    for line in (shared / "eval" / "corpus.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        parts = _SENTENCE.split(row["text"].strip(), maxsplit=1)
        records[row["id"]] = {"title": row["title"], "summary": parts[0],
                              "description": parts[1] if len(parts) > 1 else "",
                              "advantages": "", "keywords": [], "language": "en"}
    return records


def reworded_title(title: str) -> str:
    """The title said another way: 'A for B' becomes 'B: A', else 'Technology: A'."""
    for word in (" for ", " of ", " with "):
        head, sep, tail = title.partition(word)
        if sep and head and tail:
            return f"{tail[0].upper()}{tail[1:]}: {head[0].lower()}{head[1:]}"
    return f"Technology: {title}"


def recipe(kind: str, record: dict, rng: random.Random) -> list[dict]:
    """The operations making a variant of `kind` from `record`."""
    sentences = len(_SENTENCE.split(record["description"])) if record["description"] else 0
    order = list(range(sentences))
    rng.shuffle(order)
    ops = {"shuffle": [{"op": "shuffle", "order": order}],
           "fields": [{"op": "keep", "fields": ["title", "summary"]}],
           "title": [{"op": "title", "title": reworded_title(record["title"])},
                     {"op": "truncate", "fraction": 0.5}],
           "truncate": [{"op": "truncate", "fraction": round(rng.uniform(0.25, 0.45), 2)}],
           "combo": [{"op": "shuffle", "order": order}, {"op": "keep",
                     "fields": ["title", "description"]},
                     {"op": "title", "title": reworded_title(record["title"])}],
           "unaccented": [{"op": "unaccented"}]}[kind]
    return ops


def build(shared: Path = SHARED, seed: int = 16) -> list[dict]:
    """The labelled set: catalogue records and probes (see the module's docstring)."""
    rng = random.Random(seed)
    seeds, corpus = seed_records(), corpus_records(shared)
    held = {f"seed:{p}" for p, _ in GENUINE + NEIGHBOURS}
    others = sorted(set(seeds) - held)
    held |= set(rng.sample(others, HELD_OUT_SEED))
    # corpus pairs: a random record is a probe; its best BM25 neighbour (not a near copy
    # under the same title) joins the catalogue
    ids = sorted(corpus)
    channel = BM25Channel(list(range(len(ids))),
                          [english_tokens(join_fields(*(corpus[i][f] for f in FIELDS)))
                           for i in ids])
    pairs: list[tuple[str, str]] = []
    for i in rng.sample(range(len(ids)), CORPUS_PAIRS * 2):
        query = english_tokens(join_fields(*(corpus[ids[i]][f] for f in FIELDS)))
        best = [j for j, _ in top_k(channel.scores(query, 5), 5) if j != i
                and corpus[ids[j]]["title"].lower() != corpus[ids[i]]["title"].lower()]
        if best and ids[best[0]] not in {p for pair in pairs for p in pair}:
            pairs.append((ids[i], ids[best[0]]))
        if len(pairs) == CORPUS_PAIRS:
            break
    lines = [{"id": i, "role": "catalogue"} for i in sorted(set(seeds) - held)]
    lines += [{"id": kept, "role": "catalogue"} for _, kept in pairs]
    probes = [{"id": f"seed:{p}", "kind": "genuine", "duplicate_of": f"seed:{o}"}
              for p, o in GENUINE]
    probes += [{"id": f"seed:{p}", "kind": "neighbour", "duplicate_of": None}
               for p, _ in NEIGHBOURS]
    probes += [{"id": i, "kind": "held_out", "duplicate_of": None}
               for i in sorted(held - {f"seed:{p}" for p, _ in GENUINE + NEIGHBOURS})]
    probes += [{"id": probe, "kind": "held_out", "duplicate_of": None} for probe, _ in pairs]
    catalogue_seed = sorted(set(seeds) - held)
    vi = [i for i in catalogue_seed if seeds[i]["language"] == "vi"]
    chosen = rng.sample(catalogue_seed, SEED_VARIANTS)
    originals = [(i, seeds[i]) for i in chosen]
    kept_corpus = [kept for _, kept in pairs]
    originals += [(k, corpus[k]) for k in rng.sample(kept_corpus, min(CORPUS_VARIANTS, len(pairs)))]
    for n, (origin, record) in enumerate(originals):
        kind = KINDS[n % len(KINDS)]
        probes.append({"id": f"variant:{n}", "kind": kind, "of": origin,
                       "ops": recipe(kind, record, rng), "duplicate_of": origin})
    for n, origin in enumerate(rng.sample(vi, min(15, len(vi)))):
        probes.append({"id": f"variant:vi{n}", "kind": "unaccented", "of": origin,
                       "ops": recipe("unaccented", seeds[origin], rng), "duplicate_of": origin})
    for probe in probes:
        if probe["kind"] not in ("genuine", "neighbour") and _half(f"keep:{probe['id']}"):
            continue  # every other probe: ~100 texts to embed, minutes on two busy cores
        lines.append({**probe, "role": "probe", "split": ("tune", "test")[_half(probe["id"])]})
    return lines


def _half(name: str) -> int:
    """0 or 1, fixed for a name."""
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 2


# -- materialising texts -----------------------------------------------------------------------

def apply(record: dict, ops: list[dict]) -> dict:
    """A record with a variant's operations applied in order."""
    out = dict(record)
    for op in ops:
        if op["op"] == "shuffle":
            parts = _SENTENCE.split(out["description"]) if out["description"] else []
            out["description"] = " ".join(parts[i] for i in op["order"] if i < len(parts))
        elif op["op"] == "keep":
            out = {**out, **{f: "" for f in FIELDS if f not in op["fields"]}, "keywords": []}
        elif op["op"] == "title":
            out["title"] = op["title"]
        elif op["op"] == "truncate":
            text = join_fields(out["summary"], out["description"], out["advantages"])
            out.update(summary="", advantages="",
                       description=text[: max(80, int(len(text) * op["fraction"]))])
        elif op["op"] == "unaccented":
            out = {**{f: strip_diacritics(out[f]) for f in FIELDS},
                   "keywords": [strip_diacritics(k) for k in out["keywords"]],
                   "language": out["language"]}
    return out


def document(record_id: int, record: dict) -> Document:
    text = join_fields(*(record[f] for f in FIELDS), ", ".join(record["keywords"]))
    return Document(record_id, record["title"], text, record["language"], "active", ())


@dataclass
class Probe:
    name: str
    kind: str
    split: str
    original: int | None  # catalogue id of the record it copies
    candidates: list[tuple[int, float, float]]  # id, cosine, lexical


def run_detector(lines: list[dict], shared: Path = SHARED) -> list[Probe]:
    """Index the catalogue and collect every probe's scored candidates."""
    records = {**seed_records(), **corpus_records(shared)}
    catalogue = [line["id"] for line in lines if line["role"] == "catalogue"]
    number = {name: n for n, name in enumerate(catalogue, start=1)}
    restore = default_restorer()
    index = SearchIndex(E5Embedder(), EmbeddingCache(CACHE), None, embedding_text(restore))
    index.upsert_documents(index.dossiers, [document(number[c], records[c]) for c in catalogue])
    detector = DuplicateDetector(index, QueryBuilder(Lexicon.load(SEED / "lexicon"), restore))
    probes = []
    for line in (x for x in lines if x["role"] == "probe"):
        record = apply(records[line["of"]], line["ops"]) if "ops" in line else records[line["id"]]
        found = detector.scored(document(0, record))
        original = number[line["duplicate_of"]] if line["duplicate_of"] else None
        probes.append(Probe(line["id"], line["kind"], line["split"], original,
                            [(i, like.cosine, like.lexical) for i, _, like in found]))
    return probes


# -- measuring ---------------------------------------------------------------------------------

def counts(probes: list[Probe], weight: float, threshold: float) -> dict[str, float]:
    tp = fp = fn = 0
    for probe in probes:
        flagged = {i for i, cos, lex in probe.candidates
                   if combine(cos, lex, weight).score >= threshold}
        hit = probe.original in flagged
        tp += hit
        fp += len(flagged - {probe.original})
        fn += probe.original is not None and not hit
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def choose(probes: list[Probe], weights=WEIGHTS) -> tuple[float, float]:
    """The weight and threshold of best F1 (then precision) on `probes`."""
    return max(((w, t) for w in weights for t in THRESHOLDS),
               key=lambda wt: (round(counts(probes, *wt)["f1"], 6),
                               counts(probes, *wt)["precision"], wt[1]))


def evaluate(probes: list[Probe]) -> tuple[dict, str]:
    tune = [p for p in probes if p.split == "tune"]
    test = [p for p in probes if p.split == "test"]
    weight, threshold = choose(tune, USABLE)
    systems = {"combined (chosen)": (weight, threshold),
               **{f"dense weight {w}": choose(tune, (w,)) for w in WEIGHTS if w != weight},
               "dense only": choose(tune, (1.0,)), "lexical only": choose(tune, (0.0,))}
    systems = {name: wt for name, wt in systems.items()
               if name not in ("dense weight 1.0", "dense weight 0.0")}
    rows, result = [], {"chosen": {"dense_weight": weight, "threshold": threshold}}
    for name, (w, t) in systems.items():
        found = counts(test, w, t)
        result[name] = {"dense_weight": w, "threshold": t, **found}
        rows.append([name, w, t, found["precision"], found["recall"], found["f1"],
                     f"{found['tp']}/{found['fp']}/{found['fn']}"])
    table = markdown_table(["system (chosen on tune)", "dense weight", "threshold",
                            "precision", "recall", "F1", "TP/FP/FN"], rows)
    sweep = [[t, *(lambda c: [c["precision"], c["recall"], c["f1"]])(counts(probes, weight, t))]
             for t in THRESHOLDS]
    result["sweep_all_probes"] = sweep
    table += "\n\n" + markdown_table([f"threshold (weight {weight}, all probes)", "precision",
                                      "recall", "F1"], sweep)
    kinds = sorted({p.kind for p in probes})
    per_kind = []
    for kind in kinds:
        group = [p for p in probes if p.kind == kind]
        found = counts(group, weight, threshold)
        reach = sum(p.original in {i for i, _, _ in p.candidates} for p in group
                    if p.original is not None)
        positives = sum(p.original is not None for p in group)
        per_kind.append([kind, len(group), found["recall"] if positives else "—",
                         found["fp"], f"{reach}/{positives}" if positives else "—"])
    result["per_kind"] = per_kind
    table += "\n\n" + markdown_table(["probe kind (all probes)", "probes", "recall",
                                      "false flags", "original among candidates"], per_kind)
    return result, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="write the labelled set anew")
    args = parser.parse_args()
    if args.build or not SET.exists():
        lines = build()
        SET.parent.mkdir(parents=True, exist_ok=True)
        SET.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    lines = [json.loads(x) for x in SET.read_text("utf-8").splitlines() if x.strip()]
    probes = run_detector(lines)
    result, table = evaluate(probes)
    result["set"] = {"catalogue": sum(x["role"] == "catalogue" for x in lines),
                     "probes": len(probes),
                     "positives": sum(p.original is not None for p in probes)}
    write_result("duplicates", result, table)
    print(table)


if __name__ == "__main__":
    main()
