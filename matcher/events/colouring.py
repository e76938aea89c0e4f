"""Edge colouring of the meeting graph with Kempe-chain moves: the engine of the scheduler.

A colour is a slot. Every move keeps the colouring proper (nobody twice in a slot), keeps each
meeting inside its allowed slots, never touches a locked meeting and, when asked, keeps every
slot within the table count. König's alternating-path argument guarantees `place` succeeds
when nothing is restricted and fewer than `len(slots)` meetings touch either participant.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence

Key = tuple[int, int]


class Colouring:
    """A partial proper edge colouring of the meeting graph: the slot of each meeting, who is
    busy when, and the moves (direct, Kempe swap, relocation) that keep it proper."""

    def __init__(self, slots: Sequence[int], tables: int) -> None:
        self.slots, self.tables = list(slots), tables
        self.busy: dict[int, dict[int, Key]] = defaultdict(dict)
        self.slot_of: dict[Key, int] = {}
        self.load: dict[int, int] = dict.fromkeys(self.slots, 0)
        self.allowed: dict[Key, frozenset[int]] = {}
        self.locked: set[Key] = set()
        self.moves: dict[str, int] = defaultdict(int)

    def put(self, key: Key, slot: int) -> None:
        self.slot_of[key] = slot
        self.busy[key[0]][slot] = self.busy[key[1]][slot] = key
        self.load[slot] += 1

    def take(self, key: Key) -> int:
        slot = self.slot_of.pop(key)
        del self.busy[key[0]][slot], self.busy[key[1]][slot]
        self.load[slot] -= 1
        return slot

    def free(self, node: int, slot: int) -> bool:
        return slot not in self.busy[node]

    def component(self, key: Key, a: int, b: int) -> list[Key]:
        """The path or cycle of meetings alternating slots a and b that contains `key`."""
        seen, stack = {key}, [key]
        while stack:
            s, e = stack.pop()
            for node in (s, e):
                for slot in (a, b):
                    other = self.busy[node].get(slot)
                    if other is not None and other not in seen:
                        seen.add(other)
                        stack.append(other)
        return list(seen)

    def chain(self, node: int, a: int, b: int) -> list[Key]:
        """The alternating a/b path that starts at `node` with its a-meeting."""
        path: list[Key] = []
        slot = a
        while (key := self.busy[node].get(slot)) is not None:
            path.append(key)
            node = key[1] if key[0] == node else key[0]
            slot = b if slot == a else a
        return path

    def swap(self, keys: list[Key], a: int, b: int, limit: bool, extra: dict[int, int]) -> bool:
        """Exchange slots a and b on `keys` if every meeting may take its new slot and, when
        `limit`, no slot ends over the table count (counting `extra` meetings about to land)."""
        change = {a: 0, b: 0}
        for key in keys:
            new = b if self.slot_of[key] == a else a
            if key in self.locked or new not in self.allowed[key]:
                return False
            change[new] += 1
            change[self.slot_of[key]] -= 1
        if limit and any(self.load[s] + change[s] + extra.get(s, 0) > self.tables
                         and change[s] + extra.get(s, 0) > 0 for s in (a, b)):
            return False
        moved = [(key, self.take(key)) for key in keys]
        for key, old in moved:
            self.put(key, b if old == a else a)
        self.moves["kempe"] += 1
        return True

    def place(self, key: Key, limit: bool) -> bool:
        """Give `key` a slot: directly if one is free for both, else by one Kempe swap."""
        s, e = key
        room = [c for c in self.allowed[key] if not limit or self.load[c] < self.tables]
        room.sort(key=lambda c: (self.load[c], c))
        for c in room:
            if self.free(s, c) and self.free(e, c):
                self.put(key, c)
                return True
        for c in room:
            for here, there in ((s, e), (e, s)):
                if not self.free(here, c) or self.free(there, c):
                    continue
                for b in self.slots:
                    if b != c and self.free(there, b) and \
                            self.swap(self.chain(there, c, b), c, b, limit, {c: 1}):
                        self.put(key, c)
                        return True
        return False

    def relocate(self, key: Key, avoid: int) -> bool:
        """Move `key` out of slot `avoid` to any other slot it may take (tables respected)."""
        if key in self.locked:
            return False
        allowed = self.allowed[key]
        self.take(key)
        self.allowed[key] = allowed - {avoid}
        moved = self.place(key, limit=True)
        self.allowed[key] = allowed
        if not moved:
            self.put(key, avoid)
        return moved

    def repair(self, key: Key) -> bool:
        """Place `key` in a slot where one or both of its participants are busy, by first moving
        the meetings in the way elsewhere (each move keeps the colouring proper)."""
        s, e = key
        for c in sorted(self.allowed[key], key=lambda c: (self.load[c], c)):
            blockers = {k for k in (self.busy[s].get(c), self.busy[e].get(c)) if k is not None}
            if self.load[c] - len(blockers) >= self.tables or blockers & self.locked:
                continue
            if all(self.relocate(k, c) for k in blockers) and self.free(s, c) \
                    and self.free(e, c) and self.load[c] < self.tables:
                self.put(key, c)
                self.moves["relocate"] += 1
                return True
        return False

    def relieve(self, a: int, scores: Mapping[Key, float]) -> bool:
        """Move one meeting out of over-full slot a, directly or by an a-heavy component swap."""
        here = sorted((k for k, s in self.slot_of.items() if s == a and k not in self.locked),
                      key=lambda k: scores[k])
        under = sorted((c for c in self.slots if c != a and self.load[c] < self.tables),
                       key=lambda c: (self.load[c], c))
        for key in here:
            for c in under:
                if c in self.allowed[key] and self.free(key[0], c) and self.free(key[1], c):
                    self.take(key)
                    self.put(key, c)
                    self.moves["move"] += 1
                    return True
        for key in here:
            for c in under:
                comp = self.component(key, a, c)
                if sum(1 if self.slot_of[k] == a else -1 for k in comp) > 0 and \
                        self.swap(comp, a, c, True, {}):
                    return True
        return False
