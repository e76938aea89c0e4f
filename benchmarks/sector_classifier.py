"""Priority-sector classifier for the benchmarks: a dossier text (English or Vietnamese) → its
theme and national code, used by `benchmarks.adapters` to give NASA and SBIR offers sector codes.

TF-IDF over word and character n-grams of the accent-folded text, and a linear SVM. It is
trained at first use (one to three seconds) on `seed_data/sector_training.jsonl` (short offers
written by the team, labelled with a theme) and on the seed dossiers, whose `VN-xx` codes map to
themes through `sectors.json`; no fitted model is stored in the repository.
"""

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from matcher.platform.config import REPO_ROOT
from matcher.search.documents import join_fields
from matcher.text.vietnamese import fold

SEED_DIR = REPO_ROOT / "seed_data"
# Long abstracts are cut: the opening says what the technology is, and it keeps prediction fast.
MAX_CHARS = 600


@dataclass(frozen=True)
class Example:
    """A labelled text; `group` keeps the rows made from one dossier in the same split."""

    text: str
    theme: str
    group: str


@dataclass(frozen=True)
class SectorPrediction:
    """The predicted theme and its national sector code (`VN-01` … `VN-08`).

    `score` is the softmax of the SVM margins: it ranks themes, it is not a calibrated probability.
    """

    theme: str
    code: str
    score: float


def national_codes(seed_dir: Path = SEED_DIR) -> dict[str, str]:
    """Theme → national sector code (the first `VN` code carrying that theme)."""
    sectors = json.loads((seed_dir / "sectors.json").read_text("utf-8"))["sectors"]
    codes: dict[str, str] = {}
    for sector in sorted(sectors, key=lambda s: s["code"]):
        if sector["jurisdiction"] == "VN":
            codes.setdefault(sector["theme"], sector["code"])
    return codes


def code_themes(seed_dir: Path = SEED_DIR) -> dict[str, str]:
    """Every sector code (any jurisdiction) → its theme."""
    sectors = json.loads((seed_dir / "sectors.json").read_text("utf-8"))["sectors"]
    return {s["code"]: s["theme"] for s in sectors}


def load_examples(seed_dir: Path = SEED_DIR) -> tuple[list[Example], list[Example]]:
    """(single-theme examples, extra rows of multi-theme dossiers, one per theme).

    The written training file and the seed dossiers tagged with one theme can be held out for
    evaluation; a dossier tagged with several themes is only ever trained on.
    """
    single: list[Example] = []
    multi: list[Example] = []
    path = seed_dir / "sector_training.jsonl"
    for number, line in enumerate(path.read_text("utf-8").splitlines()):
        if line.strip():
            row = json.loads(line)
            single.append(Example(row["text"], row["theme"], f"train:{number}"))
    themes_of = code_themes(seed_dir)
    for part in sorted((seed_dir / "dossiers").glob("*.jsonl")):
        for line in part.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            themes = list(dict.fromkeys(themes_of[c] for c in row.get("sector_codes", [])
                                        if c in themes_of))
            text = join_fields(row["title"], row.get("summary", ""), row.get("description", ""))
            group = f"dossier:{row.get('ref', row['title'])}"
            rows = [Example(text, theme, group) for theme in themes]
            (single if len(rows) == 1 else multi).extend(rows)
    return single, multi


def _prepare(text: str) -> str:
    return fold(text[:MAX_CHARS])


def _pipeline(seed: int) -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                  min_df=2, max_features=60_000)),
    ])
    return Pipeline([("features", features), ("model", LinearSVC(C=0.5, random_state=seed))])


class SectorClassifier:
    """Assigns one of the priority-sector themes to a dossier text, with its national code."""

    def __init__(self, pipeline: Pipeline, codes: dict[str, str]) -> None:
        self._pipeline = pipeline
        self.codes = codes
        self.themes: tuple[str, ...] = tuple(str(c) for c in pipeline.classes_)

    @classmethod
    def train(cls, examples: Sequence[Example], seed_dir: Path = SEED_DIR,
              seed: int = 0) -> "SectorClassifier":
        pipeline = _pipeline(seed)
        pipeline.fit([_prepare(e.text) for e in examples], [e.theme for e in examples])
        return cls(pipeline, national_codes(seed_dir))

    def theme_scores(self, texts: Sequence[str]) -> np.ndarray:
        """(n, themes) softmax of the margins, columns in the order of `themes`."""
        margins = self._pipeline.decision_function([_prepare(t) for t in texts])
        exp = np.exp(margins - margins.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[SectorPrediction]:
        if not texts:
            return []
        scores = self.theme_scores(texts)
        best = scores.argmax(axis=1)
        return [SectorPrediction(self.themes[j], self.codes[self.themes[j]], float(row[j]))
                for j, row in zip(best, scores, strict=True)]

    def classify(self, text: str) -> SectorPrediction:
        """The most likely theme of one text."""
        return self.predict([text])[0]


def split(examples: Sequence[Example], test_size: float = 0.2,
          seed: int = 0) -> tuple[list[Example], list[Example]]:
    """A split stratified by theme that keeps each group on one side (fixed seed)."""
    rng = random.Random(seed)
    by_theme: dict[str, list[str]] = {}
    for group in dict.fromkeys(e.group for e in examples):
        theme = next(e.theme for e in examples if e.group == group)
        by_theme.setdefault(theme, []).append(group)
    held: set[str] = set()
    for theme in sorted(by_theme):
        groups = by_theme[theme]
        rng.shuffle(groups)
        held.update(groups[: round(len(groups) * test_size)])
    return ([e for e in examples if e.group not in held], [e for e in examples if e.group in held])


def scores(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro-F1 (over the themes present in `truth`) of predicted themes."""
    labels = sorted(set(truth))
    per_theme = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    return {"accuracy": float(accuracy_score(truth, predicted)),
            "macro_f1": float(np.mean(per_theme)), "n": len(truth),
            "f1_per_theme": {t: round(float(f), 3) for t, f in zip(labels, per_theme, strict=True)}}


def evaluate(seed_dir: Path = SEED_DIR, test_size: float = 0.2, seed: int = 0) -> dict:
    """Held-out accuracy and macro-F1: overall, on the written examples, on the seed dossiers."""
    single, multi = load_examples(seed_dir)
    train, test = split(single, test_size, seed)
    classifier = SectorClassifier.train(train + multi, seed_dir, seed)
    predicted = [p.theme for p in classifier.predict([e.text for e in test])]
    result = {"overall": scores([e.theme for e in test], predicted),
              "train_size": len(train) + len(multi), "test_size": len(test), "seed": seed}
    for name, prefix in (("written", "train:"), ("seed_dossiers", "dossier:")):
        pairs = [(e.theme, p) for e, p in zip(test, predicted, strict=True)
                 if e.group.startswith(prefix)]
        if pairs:
            result[name] = scores(*zip(*pairs, strict=True))
    return result


@cache
def default_classifier(seed_dir: Path = SEED_DIR) -> SectorClassifier:
    """The classifier trained on all labelled seed data (once per process)."""
    single, multi = load_examples(seed_dir)
    return SectorClassifier.train(single + multi, seed_dir)
