"""Numbered pages of a list: how many pages a total makes (every list, page and pager uses this)."""
from __future__ import annotations


def page_count(total: int, size: int) -> int:
    """Pages of `size` rows that `total` rows fill; an empty list is one (empty) page."""
    return max(1, (int(total or 0) + size - 1) // size)
