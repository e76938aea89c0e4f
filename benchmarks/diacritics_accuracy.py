"""Diacritic restoration benchmark: syllable accuracy and sentence exact match on held-out text.

Every system restores the same inputs (the references with their diacritics stripped), side
by side in one run: no restoration, the shipped model at orders 1 (most frequent form per
syllable), 2 and 3, and pyvi's ViUtils.add_accents when pyvi is installed.

Run: `python -m benchmarks.diacritics_accuracy`; writes benchmarks/results/diacritics.json and
prints the Markdown tables.
"""

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from matcher.text.diacritics import DEFAULT_MODEL, DOMAIN_CORPUS, DiacriticRestorer, is_held_out
from matcher.text.vietnamese import is_syllable, normalize_tones, strip_diacritics, tokenize

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results" / "diacritics.json"
Restore = Callable[[str], str]


def load_sets(data_dir: Path) -> dict[str, list[str]]:
    """The held-out sets, references with diacritics, tone marks in one style."""
    tatoeba = data_dir / "tatoeba-vie-eng" / "tatoeba.vie-eng.vie.txt"
    xquad = data_dir / "xquad-vi-en" / "queries_vi.jsonl"
    sets = {
        "domain held-out 10%": [
            s for s in DOMAIN_CORPUS.read_text("utf-8").splitlines() if is_held_out(s)
        ],
        "tatoeba (everyday)": tatoeba.read_text("utf-8").splitlines(),
        "xquad questions (encyclopedic)": [
            json.loads(line)["question"] for line in xquad.read_text("utf-8").splitlines()
        ],
    }
    return {name: [normalize_tones(s) for s in texts if s.strip()] for name, texts in sets.items()}


def _aligned(reference: list[str], output: list[str]) -> list[tuple[str, str | None]]:
    """Pair reference tokens with output tokens; tokens the output lost pair with None."""
    if len(reference) == len(output):
        return list(zip(reference, output, strict=True))
    pairs: list[tuple[str, str | None]] = [(r, None) for r in reference]
    folded = [strip_diacritics(t) for t in reference], [strip_diacritics(t) for t in output]
    matcher = SequenceMatcher(a=folded[0], b=folded[1], autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            pairs[block.a + i] = (reference[block.a + i], output[block.b + i])
    return pairs


@dataclass
class DiacriticsEvaluator:
    """Scores a restorer on references; `syllable_accuracy` is the primary metric.

    Only reference tokens that are Vietnamese syllables count (punctuation, numbers, codes
    and non-syllable loanwords are left out); comparison ignores case and tone-mark placement.
    """

    references: Sequence[str]
    primary_metric: str = "syllable_accuracy"

    def __call__(self, restore: Restore) -> dict[str, float]:
        correct = total = exact = 0
        seconds = 0.0
        for reference in self.references:
            typed = strip_diacritics(reference)
            start = time.perf_counter()
            output = restore(typed)
            seconds += time.perf_counter() - start
            output = normalize_tones(output)
            pairs = _aligned(tokenize(reference), tokenize(output))
            scored = [(r, o) for r, o in pairs if r.isalpha() and is_syllable(r)]
            hits = sum(r == o for r, o in scored)
            correct += hits
            total += len(scored)
            exact += hits == len(scored)
        return {
            "syllable_accuracy": correct / total,
            "exact_match": exact / len(self.references),
            "ms_per_sentence": 1000 * seconds / len(self.references),
            "sentences": len(self.references),
            "syllables": total,
        }


def form_coverage(model: DiacriticRestorer, references: Sequence[str]) -> float:
    """Share of reference syllables whose accented form the model knows (its ceiling)."""
    syllables = [t for s in references for t in tokenize(s) if t.isalpha() and is_syllable(t)]
    return sum(t in model.forms(strip_diacritics(t)) for t in syllables) / len(syllables)


def speed(model: DiacriticRestorer, references: Sequence[str], syllables: int = 60) -> float:
    """Median CPU ms to restore an unaccented text of `syllables` words (ten different texts).

    CPU time rather than wall-clock: the benchmark machine is shared and often busy.
    """
    step = max(len(references) // 10, 1)
    texts = [
        " ".join(strip_diacritics(" ".join(references[i:])).split()[:syllables])
        for i in range(0, len(references), step)
    ][:10]
    timings = []
    for _ in range(20):
        for text in texts:
            start = time.process_time()
            model.restore(text)
            timings.append(1000 * (time.process_time() - start))
    return statistics.median(timings)


def systems(model_path: Path) -> tuple[dict[str, Restore], list[str]]:
    """The systems to compare, and a list that collects pyvi's failures (or its absence)."""
    found: dict[str, Restore] = {"no restoration (input as typed)": lambda text: text}
    for order, name in ((1, "unigram: most frequent form"), (2, "bigram KN"), (3, "trigram KN")):
        found[f"KetNoi {name}"] = DiacriticRestorer.load(model_path, order=order).restore
    failures: list[str] = []
    try:
        from pyvi import ViUtils
    except ImportError as error:
        return found, [f"pyvi not available ({error}); `pip install pyvi` to add it"]

    def pyvi(text: str) -> str:
        """pyvi raises KeyError on some inputs; those count as left unrestored."""
        try:
            return str(ViUtils.add_accents(text))
        except KeyError:
            failures.append(text)
            return text

    found["pyvi ViUtils.add_accents"] = pyvi
    return found, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    start, start_cpu = time.perf_counter(), time.process_time()
    model = DiacriticRestorer.load(args.model)
    load_seconds, load_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    sets = load_sets(args.data_dir)
    found, pyvi_failures = systems(args.model)
    results: dict[str, dict[str, dict[str, float]]] = {
        set_name: {name: DiacriticsEvaluator(refs)(restore) for name, restore in found.items()}
        for set_name, refs in sets.items()
    }
    report: dict[str, Any] = {
        "model": {
            "path": str(args.model.relative_to(REPO)),
            "bytes": args.model.stat().st_size,
            "syllables": len(model.syllables) - 2,
            "ngrams": sum(len(table) for table in model.ngrams),
            "load_seconds": round(load_seconds, 3),
            "load_cpu_seconds": round(load_cpu, 3),
            "cpu_ms_per_60_syllables": round(speed(model, sets["domain held-out 10%"]), 2),
        },
        "form_coverage": {name: form_coverage(model, refs) for name, refs in sets.items()},
        "pyvi_failures": pyvi_failures,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")

    for set_name, by_system in results.items():
        first = next(iter(by_system.values()))
        print(
            f"\n### {set_name}: {first['sentences']} sentences, {first['syllables']} syllables, "
            f"model knows {report['form_coverage'][set_name]:.1%} of the forms\n"
        )
        print("| system | syllable accuracy | exact match | ms / sentence |")
        print("|---|---:|---:|---:|")
        for name, m in by_system.items():
            print(
                f"| {name} | {m['syllable_accuracy']:.4f} | {m['exact_match']:.3f} "
                f"| {m['ms_per_sentence']:.2f} |"
            )
    print(f"\nmodel {report['model']}; pyvi failed on {len(pyvi_failures)} inputs")


if __name__ == "__main__":
    main()
