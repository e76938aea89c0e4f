"""An independent checker of every pairing and schedule constraint, for tests and the CLI.

It shares no code with the pairing and scheduling modules on purpose: it takes plain tuples
and recounts everything, so a bug in the solver cannot hide behind the same bug in the check.
Each function returns a list of human-readable violations; an empty list means valid.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

Meeting = tuple[int, int]  # (supplier participant id, enterprise participant id)


def check_pairing(chosen: Iterable[Meeting], candidates: Iterable[tuple[int, int, float]],
                  caps: Mapping[int, int], required: Iterable[Meeting] = (),
                  min_score: float = 0.0, total_cap: int | None = None) -> list[str]:
    """Chosen meetings: each a candidate at or above the minimum score (unless required), no
    pair twice, no participant above its cap (beyond what required meetings force), every
    required pair present, and no more than `total_cap` meetings."""
    chosen = [(m[0], m[1]) for m in chosen]
    required = {(m[0], m[1]) for m in required}
    best: dict[Meeting, float] = {}
    for s, e, score in candidates:
        best[(s, e)] = max(score, best.get((s, e), float("-inf")))
    problems: list[str] = []
    for pair, times in Counter(chosen).items():
        if times > 1:
            problems.append(f"pair {pair} chosen {times} times")
    for pair in sorted(set(chosen) - required):
        if pair not in best:
            problems.append(f"pair {pair} is not a candidate")
        elif best[pair] < min_score:
            problems.append(f"pair {pair} scores {best[pair]:.4f} < minimum {min_score}")
    for pair in sorted(required - set(chosen)):
        problems.append(f"required pair {pair} is missing")
    forced = Counter(n for pair in required for n in pair)
    for node, count in sorted(Counter(n for pair in set(chosen) for n in pair).items()):
        cap = caps.get(node)
        if cap is not None and count > max(cap, forced[node]):
            problems.append(f"participant {node} has {count} meetings, cap {cap}")
    if total_cap is not None and len(set(chosen)) > max(total_cap, len(required)):
        problems.append(f"{len(set(chosen))} meetings exceed the total of {total_cap}")
    return problems


def check_schedule(placed: Iterable[tuple[int, int, int, int]], slots: Sequence[int],
                   tables: int, availability: Mapping[int, Collection[int]] | None = None,
                   locked: Mapping[Meeting, tuple[int, int | None]] | None = None,
                   caps: Mapping[int, int] | None = None) -> list[str]:
    """Placed meetings (supplier, enterprise, slot, table): real slots and tables, nobody in two
    places at once, one meeting per table and slot, availability respected, no pair twice,
    caps kept, and every locked meeting exactly where it was locked."""
    placed = [(p[0], p[1], p[2], p[3]) for p in placed]
    availability = availability or {}
    problems: list[str] = []
    valid_slots = set(slots)
    where: dict[Meeting, list[tuple[int, int]]] = defaultdict(list)
    seat: Counter[tuple[int, int]] = Counter()
    busy: Counter[tuple[int, int]] = Counter()
    for s, e, slot, table in placed:
        where[(s, e)].append((slot, table))
        if slot not in valid_slots:
            problems.append(f"meeting {(s, e)} in unknown slot {slot}")
        if not 1 <= table <= tables:
            problems.append(f"meeting {(s, e)} at table {table}, outside 1..{tables}")
        seat[(slot, table)] += 1
        for node in (s, e):
            busy[(node, slot)] += 1
            if node in availability and slot not in set(availability[node]):
                problems.append(f"participant {node} is not available in slot {slot}")
    for (slot, table), count in sorted(seat.items()):
        if count > 1:
            problems.append(f"table {table} in slot {slot} holds {count} meetings")
    for (node, slot), count in sorted(busy.items()):
        if count > 1:
            problems.append(f"participant {node} is in {count} meetings in slot {slot}")
    for pair, spots in sorted(where.items()):
        if len(spots) > 1:
            problems.append(f"pair {pair} meets {len(spots)} times")
    for node, count in sorted(Counter(n for s, e, *_ in placed for n in (s, e)).items()):
        cap = (caps or {}).get(node)
        if cap is not None and count > cap:
            problems.append(f"participant {node} has {count} meetings, cap {cap}")
    for pair, (want_slot, want_table) in sorted((locked or {}).items()):
        spots = where.get(pair, [])
        if not spots:
            problems.append(f"locked meeting {pair} is missing")
        elif spots[0][0] != want_slot or (want_table is not None and spots[0][1] != want_table):
            problems.append(f"locked meeting {pair} moved from slot {want_slot} table "
                            f"{want_table} to slot {spots[0][0]} table {spots[0][1]}")
    return problems
