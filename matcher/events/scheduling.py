"""Place chosen meetings into time slots and tables, and say which could not be placed and why.

Slots are colours of the bipartite meeting graph: a participant's meetings must get distinct
slots, which is a proper edge colouring. König's theorem says a bipartite graph can be coloured
with Δ colours (its maximum degree), and the alternating-path (Kempe chain) construction finds
one; with S ≥ Δ slots every meeting is placed when everyone is available all day. Tables bound
the meetings per slot; swapping the two colours of an alternating path with more edges of the
fuller slot moves one meeting to the emptier slot, so loads are balanced the same way.
Availability turns this into list edge colouring (NP-hard in general), so the same moves are
used as a repair: each recolouring is only applied when every meeting it touches stays inside
both participants' availability. Locked meetings never move. What still does not fit is dropped
with a reason: `no_common_slot`, `over_capacity`, `tables_full` or `conflict`.
"""

import time
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from matcher.events.colouring import Colouring, Key
from matcher.events.pairing import Pair, check_sides


class Placement(NamedTuple):
    supplier: int
    enterprise: int
    slot: int
    table: int
    score: float = 0.0


class Drop(NamedTuple):
    supplier: int
    enterprise: int
    score: float
    reason: str
    message: str


@dataclass
class Schedule:
    placed: list[Placement]
    dropped: list[Drop]
    max_degree: int
    seconds: float
    moves: dict[str, int] = field(default_factory=dict)


def _validate_locked(fixed: Mapping[Key, tuple[int, int | None]], state: Colouring,
                     available: Mapping[int, frozenset[int]]) -> None:
    seats: set[tuple[int, int]] = set()
    for (s, e), (slot, table) in fixed.items():
        where = f"locked meeting {s}–{e} in slot {slot}"
        if slot not in state.load:
            raise ValueError(f"{where}: the event has no such slot")
        for node in (s, e):
            if not state.free(node, slot):
                raise ValueError(f"{where}: participant {node} has another locked meeting then")
            if node in available and slot not in available[node]:
                raise ValueError(f"{where}: participant {node} is not available then")
        if table is not None:
            if not 1 <= table <= state.tables:
                raise ValueError(f"{where}: table {table} is not between 1 and {state.tables}")
            if (slot, table) in seats:
                raise ValueError(f"{where}: table {table} is taken by another locked meeting")
            seats.add((slot, table))
        state.put((s, e), slot)
        state.locked.add((s, e))
        if state.load[slot] > state.tables:
            raise ValueError(f"{where}: more locked meetings than tables")


def _fitting(keys: list[Key], allowed: Mapping[Key, frozenset[int]]) -> set[Key]:
    """The best-scored meetings (keys come best first) of one participant that can all get
    distinct slots: greedy over the transversal matroid, each step an augmenting path."""
    holder: dict[int, Key] = {}

    def augment(key: Key, seen: set[int]) -> bool:
        for slot in sorted(allowed[key]):
            if slot not in seen:
                seen.add(slot)
                if slot not in holder or augment(holder[slot], seen):
                    holder[slot] = key
                    return True
        return False

    return {key for key in keys if augment(key, set())}


def _predrop(pending: dict[Key, float], state: Colouring, available: Mapping[int, frozenset[int]],
             fixed_count: int, caps: Mapping[int, int]) -> list[Drop]:
    """Drop what cannot fit whatever the colouring: no shared slot; a participant whose meetings
    cannot all get distinct slots inside both sides' availability (Hall's condition at that
    participant; its lowest-scored go); more meetings than slots × tables."""
    drops: list[Drop] = []
    everyone = frozenset(state.slots)
    for key in list(pending):
        s, e = key
        allowed = frozenset(c for c in available.get(s, everyone) & available.get(e, everyone)
                            if c in state.load and state.free(s, c) and state.free(e, c))
        if not allowed:
            drops.append(Drop(s, e, pending.pop(key), "no_common_slot",
                              f"supplier {s} and enterprise {e} share no free available slot"))
        state.allowed[key] = allowed
    by_node: dict[int, list[Key]] = defaultdict(list)
    for key in pending:
        by_node[key[0]].append(key)
        by_node[key[1]].append(key)
    for node, keys in sorted(by_node.items()):
        keys = [k for k in keys if k in pending]
        ranked = sorted(keys, key=lambda k: (-pending[k], k))
        fits = _fitting(ranked, state.allowed)
        role = "supplier" if keys and keys[0][0] == node else "enterprise"
        if node in caps:
            most = max(0, caps[node] - sum(1 for k in state.locked if node in k))
            for key in [k for k in ranked if k in fits][most:]:
                fits.discard(key)
                drops.append(Drop(*key, pending.pop(key), "over_capacity",
                                  f"{role} {node} has {len(keys)} meetings, more than its "
                                  f"maximum of {caps[node]}; the lowest-scored were dropped"))
        for key in keys:
            if key not in fits and key in pending:
                drops.append(Drop(*key, pending.pop(key), "over_capacity",
                                  f"{role} {node} has {len(keys)} meetings but only {len(fits)} "
                                  "fit its free slots and its partners' availability; the "
                                  "lowest-scored were dropped"))
    room = len(state.slots) * state.tables - fixed_count
    if len(pending) > room:
        for key in sorted(pending, key=lambda k: (pending[k], k))[: len(pending) - room]:
            drops.append(Drop(*key, pending.pop(key), "tables_full",
                              f"more meetings than {len(state.slots)} slots × "
                              f"{state.tables} tables; the lowest-scored were dropped"))
    return drops


def _tables(state: Colouring, fixed: Mapping[Key, tuple[int, int | None]]) -> dict[Key, int]:
    """Number tables per slot; a supplier keeps the same table all day when it can."""
    table_of = {key: t for key, (_, t) in fixed.items() if t is not None}
    home: dict[int, int] = {key[0]: t for key, t in table_of.items()}
    by_slot: dict[int, list[Key]] = defaultdict(list)
    for key, slot in state.slot_of.items():
        if key not in table_of:
            by_slot[slot].append(key)
    for slot, keys in sorted(by_slot.items()):
        taken = {t for k, t in table_of.items() if state.slot_of[k] == slot}
        rest = []
        for key in sorted(keys):
            want = home.get(key[0])
            if want is not None and want not in taken:
                table_of[key] = want
                taken.add(want)
            else:
                rest.append(key)
        homes = set(home.values())
        spare = iter(sorted((t for t in range(1, state.tables + 1) if t not in taken),
                            key=lambda t: (t in homes, t)))
        for key in rest:
            table_of[key] = next(spare)
            home.setdefault(key[0], table_of[key])
    return table_of


def schedule(meetings: Iterable[Pair], slots: Sequence[int], tables: int,
             availability: Mapping[int, Collection[int]] | None = None,
             fixed: Mapping[Key, tuple[int, int | None]] | None = None,
             caps: Mapping[int, int] | None = None) -> Schedule:
    """Slots and tables for `meetings`. `availability` maps a participant id to the slots it can
    attend (absent = all); `fixed` maps (supplier, enterprise) of locked meetings to their slot
    and table (table None = any); `caps` (optional) bounds each participant's meetings, locked
    ones included. Raises ValueError when locked meetings contradict each other."""
    start = time.perf_counter()
    meetings = list(meetings)
    check_sides(meetings)
    fixed = dict(fixed or {})
    available = {node: frozenset(slots_) for node, slots_ in (availability or {}).items()}
    state = Colouring(slots, tables)
    scores = {(m.supplier, m.enterprise): m.score for m in meetings}
    for key in fixed:
        scores.setdefault(key, 0.0)
        state.allowed[key] = frozenset([fixed[key][0]])
    _validate_locked(fixed, state, available)
    pending = {key: score for key, score in scores.items() if key not in fixed}
    dropped = _predrop(pending, state, available, len(fixed), caps or {})
    degree: dict[int, int] = defaultdict(int)
    for s, e in list(pending) + list(fixed):
        degree[s] += 1
        degree[e] += 1
    order = sorted(pending, key=lambda k: (-pending[k], k))
    unplaced = [key for key in order if not state.place(key, limit=False)]
    for slot in state.slots:
        while state.load[slot] > tables and state.relieve(slot, scores):
            pass
        if state.load[slot] > tables:
            victims = sorted((k for k, c in state.slot_of.items()
                              if c == slot and k not in state.locked),
                             key=lambda k: (scores[k], k))[: state.load[slot] - tables]
            for key in victims:
                state.take(key)
                unplaced.append(key)
    for key in sorted(unplaced, key=lambda k: (-scores[k], k)):
        if state.place(key, limit=True) or state.repair(key):
            continue
        s, e = key
        full = all(state.load[c] >= tables for c in state.allowed[key]
                   if state.free(s, c) and state.free(e, c))
        has_room = any(state.free(s, c) and state.free(e, c) for c in state.allowed[key])
        if full and has_room:
            reason, text = "tables_full", "all tables are taken in every slot both are free"
        else:
            reason, text = "conflict", ("in every slot both can attend one of them is already "
                                        "booked, and no re-colouring made room")
        dropped.append(Drop(s, e, scores[key], reason, f"supplier {s}, enterprise {e}: {text}"))
    table_of = _tables(state, fixed)
    placed = sorted((Placement(k[0], k[1], state.slot_of[k], table_of[k], scores[k])
                     for k in state.slot_of), key=lambda p: (p.slot, p.table))
    dropped.sort(key=lambda d: (-d.score, d.supplier, d.enterprise))
    return Schedule(placed, dropped, max(degree.values(), default=0),
                    time.perf_counter() - start, dict(state.moves))


def backfill(result: Schedule, candidates: Iterable[Pair], caps: Mapping[int, int],
             slots: Sequence[int], tables: int,
             availability: Mapping[int, Collection[int]] | None = None) -> list[Placement]:
    """Fill seats freed by drops with the best unchosen candidates that still fit (caps,
    availability, a free table, both free in the slot); returns the meetings added."""
    everyone = frozenset(slots)
    available = {n: frozenset(v) for n, v in (availability or {}).items()}
    seen = {(p.supplier, p.enterprise) for p in result.placed}
    seen |= {(d.supplier, d.enterprise) for d in result.dropped}
    count: dict[int, int] = defaultdict(int)
    busy: set[tuple[int, int]] = set()
    taken: dict[int, set[int]] = defaultdict(set)
    for p in result.placed:
        count[p.supplier] += 1
        count[p.enterprise] += 1
        busy |= {(p.supplier, p.slot), (p.enterprise, p.slot)}
        taken[p.slot].add(p.table)
    added: list[Placement] = []
    for s, e, score in sorted(candidates, key=lambda p: (-p.score, p.supplier, p.enterprise)):
        if (s, e) in seen or any(count[n] >= caps.get(n, len(everyone)) for n in (s, e)):
            continue
        room = [c for c in sorted(available.get(s, everyone) & available.get(e, everyone))
                if c in everyone and len(taken[c]) < tables
                and (s, c) not in busy and (e, c) not in busy]
        if not room:
            continue
        slot = min(room, key=lambda c: (len(taken[c]), c))
        table = min(t for t in range(1, tables + 1) if t not in taken[slot])
        added.append(Placement(s, e, slot, table, score))
        seen.add((s, e))
        count[s] += 1
        count[e] += 1
        busy |= {(s, slot), (e, slot)}
        taken[slot].add(table)
    return added
