"""How a school's lists of ECTs and mentors are searched, filtered and sorted (free of the ORM and HTTP)."""
from __future__ import annotations

import re
from dataclasses import dataclass

STATUSES = ("current", "left")
SORTS = ("created_at", "name")
TRN_LENGTH = 7
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Search:
    """`trn`: the TRN exactly; `trn_prefix`: TRNs starting with `value`; `name`: first name, last name or
    "first last" containing `value`, ignoring case."""

    kind: str
    value: str


def parse_search(q: str | None) -> Search | None:
    """What a search box's text asks for: digits are a TRN (7 exactly, fewer a prefix), anything else a name.
    Runs of whitespace count as one space; an empty search asks for nothing."""
    text = " ".join((q or "").split())
    if not text:
        return None
    if _DIGITS.fullmatch(text):
        return Search("trn" if len(text) == TRN_LENGTH else "trn_prefix", text)
    return Search("name", text)


@dataclass(frozen=True)
class Listing:
    """One page of a list: what to search for, which registrations, in what order."""

    q: str | None = None
    status: str | None = None  # None: all
    sort: str = "created_at"
    page: int = 1
    page_size: int = 1000

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size
