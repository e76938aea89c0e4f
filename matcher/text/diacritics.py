"""Restore Vietnamese diacritics in text typed without them ('xu ly nuoc thai' → 'xử lý nước thải').

A syllable trigram language model (interpolated Kneser–Ney), decoded with Viterbi over the accented
forms each unaccented syllable can take. Words it does not know (English, codes such as 'PLC'
or 'CO2', acronyms, numbers) are left as typed and act as context breaks, as punctuation does.
Train and ship with ``python -m matcher.text.diacritics train``.
"""

import argparse
import gzip
import heapq
import json
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from operator import itemgetter
from pathlib import Path

import numpy as np

from matcher.text.vietnamese import has_diacritics, is_syllable, normalize_tones, strip_diacritics

RESOURCES = Path(__file__).parents[1] / "resources" / "diacritics"
DEFAULT_MODEL = RESOURCES / "model.json.gz"
DOMAIN_CORPUS = RESOURCES / "domain_corpus_vi.txt"
FORMAT = "ketnoi-diacritics/1"

_TOKEN_RE = re.compile(r"[^\W_]+")
_BOS, _EOS = 0, 1


def is_held_out(sentence: str) -> bool:
    """Whether a domain-corpus sentence belongs to the fixed held-out tenth (never trained on)."""
    return zlib.crc32(sentence.strip().encode("utf-8")) % 10 == 0


def _fits(typed: str, form: str) -> bool:
    """Whether a partly accented syllable ('nươc') could be the known form ('nước')."""
    for t, f in zip(typed, form, strict=True):
        t_parts, f_parts = unicodedata.normalize("NFD", t), unicodedata.normalize("NFD", f)
        same_base = t_parts[0] == f_parts[0] or t == strip_diacritics(f)
        if not same_base or not set(t_parts[1:]) <= set(f_parts[1:]):
            return False
    return True


def _runs(text: str) -> list[list[str]]:
    """Split accented text into runs of lowercase syllables separated only by whitespace."""
    text = normalize_tones(text).lower()
    runs: list[list[str]] = [[]]
    end = 0
    for match in _TOKEN_RE.finditer(text):
        word = match.group()
        if not text[end : match.start()].isspace() or not (word.isalpha() and is_syllable(word)):
            runs.append([])
        if word.isalpha() and is_syllable(word):
            runs[-1].append(word)
        end = match.end()
    return [run for run in runs if run]


class DiacriticRestorer:
    """Syllable n-gram model that puts tone and vowel marks back on unaccented Vietnamese."""

    def __init__(
        self,
        syllables: list[str],
        ngrams: Sequence[np.ndarray],
        order: int = 3,
        beam: int = 16,
        margin: float = 10.0,
        discount: float = 0.75,
    ) -> None:
        """Build from a vocabulary (``syllables[:2]`` are '<s>', '</s>', the edges of a run) and
        one int array per n-gram order, each row the n syllable ids followed by the count."""
        if order not in (1, 2, 3):
            raise ValueError(f"order must be 1, 2 or 3, not {order}")
        if syllables[:2] != ["<s>", "</s>"] or len(ngrams) != 3:
            raise ValueError("syllables must start with '<s>', '</s>' and ngrams hold 3 orders")
        self.syllables = syllables
        self.ngrams = ngrams
        self.order = order
        self.beam = beam
        self.margin = margin
        self.discount = discount
        self._size = len(syllables)
        self._ids = {w: i for i, w in enumerate(syllables)}
        self._p1, self._disc, self._gamma = self._kneser_ney()
        raw = np.zeros(self._size)
        raw[ngrams[0][:, 0]] = ngrams[0][:, 1]
        forms: dict[str, list[int]] = {}
        for i in sorted(range(2, self._size), key=lambda i: (-raw[i], syllables[i])):
            forms.setdefault(strip_diacritics(syllables[i]), []).append(i)
        self._forms = forms

    def _pack(self, columns: np.ndarray) -> np.ndarray:
        """Pack rows of syllable ids into single integers (base = vocabulary size)."""
        packed = np.zeros(len(columns), dtype=np.int64)
        for column in columns.T:
            packed = packed * self._size + column
        return packed

    def _kneser_ney(self) -> tuple[list[float], list[dict[int, float]], list[dict[int, float]]]:
        """Interpolated Kneser–Ney: P(c|ab) = max(n(abc) − D, 0)/n(ab·) + γ(ab)·P(c|b), with
        continuation counts (distinct left neighbours) in place of counts at lower orders.

        Returns P1 per id, and per order 2 and 3 the discounted terms keyed by packed n-gram
        and the back-off weights γ keyed by packed context.
        """
        counts = [table[:, -1].astype(np.float64) for table in self.ngrams]
        for low in (1, 0):  # an n-gram nobody precedes (a run start) keeps its own count
            followers, left = np.unique(
                self._pack(self.ngrams[low + 1][:, 1:-1]), return_counts=True
            )
            keys = self._pack(self.ngrams[low][:, :-1])
            at = np.clip(np.searchsorted(followers, keys), 0, max(len(followers) - 1, 0))
            hit = followers[at] == keys if len(followers) else np.zeros(len(keys), dtype=bool)
            counts[low] = np.where(hit, left[at] if len(left) else 0, counts[low])
        p1 = np.full(self._size, 0.5)
        p1[self.ngrams[0][:, 0]] = counts[0]
        p1 /= counts[0].sum()
        discounted: list[dict[int, float]] = []
        gammas: list[dict[int, float]] = []
        for level in (1, 2):
            table = self.ngrams[level]
            contexts, inverse = np.unique(self._pack(table[:, :-2]), return_inverse=True)
            total = np.bincount(inverse, weights=counts[level])
            kinds = np.bincount(inverse)
            terms = np.maximum(counts[level] - self.discount, 0.0) / total[inverse]
            keys = self._pack(table[:, :-1]).tolist()
            discounted.append(dict(zip(keys, terms.tolist(), strict=True)))
            weights = self.discount * kinds / total
            gammas.append(dict(zip(contexts.tolist(), weights.tolist(), strict=True)))
        return p1.tolist(), discounted, gammas

    @classmethod
    def train(cls, sentences: Iterable[str], phrases: Iterable[str] = ()) -> "DiacriticRestorer":
        """Count n-grams in accented sentences, and inside lexicon phrases (no run edges)."""
        counts: Counter[tuple[str, ...]] = Counter()
        for texts, edges in ((sentences, True), (phrases, False)):
            for text in texts:
                for run in _runs(text):
                    tokens = ["<s>", *run, "</s>"] if edges else run
                    for n in (1, 2, 3):
                        for i in range(len(tokens) - n + 1):
                            counts[tuple(tokens[i : i + n])] += 1
        words = {k[0] for k in counts if len(k) == 1} - {"<s>", "</s>"}
        syllables = ["<s>", "</s>", *sorted(words)]
        ids = {w: i for i, w in enumerate(syllables)}
        ngrams = [
            np.array(
                sorted([*(ids[w] for w in k), n] for k, n in counts.items() if len(k) == order),
                dtype=np.int64,
            ).reshape(-1, order + 1)
            for order in (1, 2, 3)
        ]
        return cls(syllables, ngrams)

    def save(self, path: Path) -> None:
        """Write vocabulary and counts as gzip JSON (same model, same bytes)."""
        payload = {
            "format": FORMAT,
            "syllables": self.syllables,
            "ngrams": [table.ravel().tolist() for table in self.ngrams],
        }
        path.write_bytes(gzip.compress(json.dumps(payload, ensure_ascii=False).encode(), mtime=0))

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL, order: int = 3) -> "DiacriticRestorer":
        """Read a model written by :meth:`save`; ``order`` 1 or 2 gives the weaker baselines."""
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path} is not a {FORMAT} model")
        ngrams = [
            np.array(flat, dtype=np.int64).reshape(-1, n + 2)
            for n, flat in enumerate(data["ngrams"])
        ]
        return cls(data["syllables"], ngrams, order=order)

    def forms(self, syllable: str) -> list[str]:
        """Accented forms the model knows for an unaccented syllable, most frequent first."""
        return [self.syllables[i] for i in self._forms.get(syllable.lower(), [])]

    def _lower(self, b: int, choices: list[int]) -> list[float]:
        """P(c | b) for each choice c: the bigram level, interpolated with P1."""
        gamma = self._gamma[0].get(b)
        if gamma is None:
            return [self._p1[c] for c in choices]
        base, terms = b * self._size, self._disc[0]
        return [terms.get(base + c, 0.0) + gamma * self._p1[c] for c in choices]

    def _log_probs(self, a: int, b: int, choices: list[int], lower: list[float]) -> list[float]:
        """log P(c | a b) for each choice c, given P(c | b) from :meth:`_lower`."""
        context = a * self._size + b
        gamma = self._gamma[1].get(context) if self.order == 3 else None
        if gamma is None:
            return [math.log(p) for p in lower]
        base, terms = context * self._size, self._disc[1]
        return [
            math.log(terms.get(base + c, 0.0) + gamma * p)
            for c, p in zip(choices, lower, strict=True)
        ]

    def _decode(self, options: list[list[int]]) -> list[int]:
        """Viterbi over the options of one run; states are the last two syllables."""
        if self.order == 1:
            return [choices[0] for choices in options]
        beam: dict[tuple[int, int], float] = {(_BOS, _BOS): 0.0}
        pointers: list[dict[tuple[int, int], tuple[int, int]]] = []
        for choices in options:
            best: dict[tuple[int, int], float] = {}
            back: dict[tuple[int, int], tuple[int, int]] = {}
            lower: dict[int, list[float]] = {}
            for (a, b), score in beam.items():
                if b not in lower:
                    lower[b] = self._lower(b, choices)
                for c, log_p in zip(choices, self._log_probs(a, b, choices, lower[b]), strict=True):
                    key = (b if self.order == 3 else 0, c)
                    if score + log_p > best.get(key, -math.inf):
                        best[key] = score + log_p
                        back[key] = (a, b)
            floor = max(best.values()) - self.margin
            best = {k: v for k, v in best.items() if v >= floor}
            if len(best) > self.beam:
                best = dict(heapq.nlargest(self.beam, best.items(), key=itemgetter(1)))
            beam = best
            pointers.append(back)
        end = [_EOS]
        state = max(
            beam,
            key=lambda k: beam[k] + self._log_probs(k[0], k[1], end, self._lower(k[1], end))[0],
        )
        path = []
        for back in reversed(pointers):
            path.append(state[1])
            state = back[state]
        return path[::-1]

    def _options(self, word: str) -> list[int] | None:
        """Candidate ids for one typed word, or None when it must be left as typed."""
        if not word.isalpha():
            return None
        if word.isascii():
            return self._forms.get(word.lower())
        lower = normalize_tones(word.lower())
        if not has_diacritics(lower):
            return self._forms.get(lower)
        if lower in self._ids:
            return [self._ids[lower]]
        bare = strip_diacritics(lower)
        fitting = [i for i in self._forms.get(bare, []) if _fits(lower, self.syllables[i])]
        return fitting or None

    def restore(self, text: str) -> str:
        """Add diacritics to unaccented Vietnamese syllables; everything else stays as typed.

        A word in capitals inside mixed-case text is taken for an acronym ('AI', 'GAP') unless
        a neighbouring word is a capitalised syllable too ('XU LY nuoc thai').
        """
        text = unicodedata.normalize("NFC", text)
        matches = list(_TOKEN_RE.finditer(text))
        words = [m.group() for m in matches]
        caps = [w.isalpha() and w.isupper() and len(w) > 1 for w in words]
        shouting = sum(caps) > sum(w.isalpha() for w in words) / 2
        shouted = [c and is_syllable(w) for c, w in zip(caps, words, strict=True)]
        # spaced[i]: only whitespace between word i - 1 and word i
        spaced = [False] + [text[a.end() : b.start()].isspace() for a, b in pairwise(matches)]
        runs: list[list[tuple[re.Match[str], list[int]]]] = [[]]
        for i, match in enumerate(matches):
            beside = (spaced[i] and shouted[i - 1]) or (
                i + 1 < len(matches) and spaced[i + 1] and shouted[i + 1]
            )
            acronym = caps[i] and not shouting and not (shouted[i] and beside)
            options = None if acronym else self._options(words[i])
            if options is None or not spaced[i]:
                runs.append([])
            if options is not None:
                runs[-1].append((match, options))
        pieces: list[str] = []
        end = 0
        for run in filter(None, runs):
            for (match, _), chosen in zip(run, self._decode([o for _, o in run]), strict=True):
                typed, restored = match.group(), self.syllables[chosen]
                lower = typed.lower()
                if lower == restored or (
                    not lower.isascii() and normalize_tones(lower) == restored
                ):
                    continue  # already right: keep the writer's own spelling
                cased = (
                    r.upper() if t.isupper() else r for t, r in zip(typed, restored, strict=True)
                )
                pieces += [text[end : match.start()], "".join(cased)]
                end = match.end()
        pieces.append(text[end:])
        return "".join(pieces)


def _accented(text: str) -> bool:
    """Whether text reads as properly accented Vietnamese (not typed without marks)."""
    words = [w for w in _TOKEN_RE.findall(text) if w.isalpha() and is_syllable(w)]
    return bool(words) and sum(has_diacritics(w) for w in words) >= 0.4 * len(words)


def training_texts(data_dir: Path, seed_dir: Path) -> tuple[list[str], list[str]]:
    """Sentences and lexicon phrases to train on; the domain corpus's held-out tenth is left out."""
    sentences = [
        line
        for path in sorted((data_dir / "vn-legal-tech").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    sentences += [
        s for s in DOMAIN_CORPUS.read_text(encoding="utf-8").splitlines() if not is_held_out(s)
    ]
    # Seed needs are left out: tests restore them as held-out enterprise text.
    fields = ("title", "summary", "description", "advantages")
    for path in sorted(seed_dir.glob("dossiers/*.jsonl")):
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line) if line.strip() else {}
                if record.get("language") == "vi":
                    sentences += [str(record[f]) for f in fields if record.get(f)]
    phrases = [
        row.split("\t")[0]
        for path in sorted(seed_dir.glob("lexicon/*.tsv"))
        for row in path.read_text(encoding="utf-8").splitlines()[1:]
    ]
    return [s for s in sentences if _accented(s)], [p for p in phrases if _accented(p)]


def main(argv: list[str] | None = None) -> None:
    """`train` writes the shipped model; `restore` prints restored text (for a quick look)."""
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(prog="python -m matcher.text.diacritics")
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train on the legal text, seed data and corpus")
    train.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    train.add_argument("--data-dir", type=Path, default=repo.parent / "shared" / "data")
    train.add_argument("--seed-dir", type=Path, default=repo / "seed_data")
    restore = commands.add_parser("restore", help="restore diacritics in the given text")
    restore.add_argument("text", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "train":
        sentences, phrases = training_texts(args.data_dir, args.seed_dir)
        DiacriticRestorer.train(sentences, phrases).save(args.out)
        print(f"trained on {len(sentences)} texts and {len(phrases)} phrases -> {args.out}")
    else:
        print(DiacriticRestorer.load().restore(" ".join(args.text)))


if __name__ == "__main__":
    main()
