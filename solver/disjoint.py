"""Disjoint sets (union-find), for grouping volunteers and what they could serve into independent parts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSets(Generic[T]):
    """Items joined into groups; joining is transitive. Path halving keeps lookups near constant."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._parent: dict[T, T] = {}
        for item in items:
            self.find(item)

    def find(self, x: T) -> T:
        """The representative of x's group (x joins as a group of its own when new)."""
        parent = self._parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: T, b: T) -> None:
        """Put a's and b's groups together."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[ra] = rb

    def groups(self) -> list[list[T]]:
        """Every group, its items in the order they were first seen."""
        found: dict[T, list[T]] = defaultdict(list)
        for item in list(self._parent):
            found[self.find(item)].append(item)
        return list(found.values())
