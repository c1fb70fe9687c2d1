"""Merged spans of a text, asked which ones overlap a range."""

from __future__ import annotations

import bisect


class Coverage:
    """Which spans overlap [start, end): the units' spans merged and sorted once, each question
    answered by bisection (many units and sentences stay linear)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1  # the last merged span starting before end
        return i >= 0 and self.ends[i] > start
