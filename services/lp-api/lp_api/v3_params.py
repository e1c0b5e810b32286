"""The v3 list query string: page[page], page[per_page], filter[...] and sort, read the way v3 reads them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, UTC

from werkzeug.datastructures import MultiDict

from lp_api.v3_errors import INVALID_PAGE, INVALID_UPDATED_SINCE, bad_request

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000  # larger values are capped, silently, as v3 does
SORTABLE = ("created_at", "updated_at")
MAX_OFFSET = 10**15

# ISO 8601 as v3 accepts it: a date, optionally a time, optionally a zone (none means UTC).
_ISO8601 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?)?$", re.IGNORECASE)


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True)
class ListParams:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    cohorts: tuple[str, ...] | None = None
    updated_since: datetime | None = None
    sort: tuple[SortKey, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # the other filter[...] values, as comma lists

    def filter(self, name: str) -> tuple[str, ...] | None:
        return dict(self.filters).get(name)

    @property
    def key(self) -> str:
        """The query apart from its page number."""
        return repr((self.per_page, self.cohorts, self.updated_since, self.sort, self.filters))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def beyond_any_data(self) -> bool:
        """A page so far out that no table reaches it (and PostgreSQL's OFFSET would overflow)."""
        return self.offset > MAX_OFFSET


def parse_list_params(args: MultiDict, *, sortable: tuple[str, ...] = SORTABLE,
                      filters: tuple[str, ...] = ()) -> ListParams:
    per_page = _positive_int(args.get("page[per_page]"), DEFAULT_PER_PAGE)
    return ListParams(
        page=_positive_int(args.get("page[page]"), 1),
        per_page=min(per_page, MAX_PER_PAGE),
        cohorts=_comma_list(args.get("filter[cohort]")),
        updated_since=parse_updated_since(args.get("filter[updated_since]")),
        sort=_sort_keys(args.get("sort"), sortable),
        filters=tuple((name, values) for name in filters
                      if (values := _comma_list(args.get(f"filter[{name}]"))) is not None),
    )


def cohort_numbers(values: tuple[str, ...]) -> list[int]:
    """Unknown or malformed cohorts match nothing, as in v3."""
    return [int(c) for c in values if c.isascii() and c.isdigit() and len(c) <= 9]


def _positive_int(raw: str | None, default: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    if not re.fullmatch(r"\d+", raw.strip(), re.ASCII):
        raise bad_request(INVALID_PAGE)
    digits = raw.strip().lstrip("0")
    if not digits:
        raise bad_request(INVALID_PAGE)
    return int(digits) if len(digits) <= 18 else 10**18  # past any page; also spares int() a huge string


def _comma_list(raw: str | None) -> tuple[str, ...] | None:
    if raw is None or raw.strip() == "":
        return None
    return tuple(v.strip() for v in raw.split(",") if v.strip())


def parse_updated_since(raw: str | None) -> datetime | None:
    if raw is None or raw.strip() == "":
        return None
    value = raw.strip()
    # An unencoded "+01:00" in a query string arrives as " 01:00".
    value = re.sub(r"(\d{2}:\d{2}:\d{2}(?:\.\d+)?) (\d{2}(?::?\d{2})?)$", r"\1+\2", value)
    match = _ISO8601.match(value)
    if not match:
        raise bad_request(INVALID_UPDATED_SINCE)
    text = match["date"] + "T" + (match["time"] or "00:00:00") + _zone(match["zone"])
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except (ValueError, OverflowError):  # e.g. month 13, hour 25; or year 1 at +01:00, before any date-time
        raise bad_request(INVALID_UPDATED_SINCE) from None


def _zone(zone: str | None) -> str:
    if zone is None or zone.upper() == "Z":
        return "+00:00"
    if len(zone) == 3:  # +01
        return zone + ":00"
    return zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"


def _sort_keys(raw: str | None, sortable: tuple[str, ...]) -> tuple[SortKey, ...]:
    keys: list[SortKey] = []
    for item in _comma_list(raw) or ():
        descending = item.startswith("-")
        field = item.lstrip("+-")
        if field not in sortable:
            allowed = ", ".join(f"{p}{f}" for f in sortable for p in ("", "-"))
            raise bad_request(f"The '#/sort' parameter must be a comma list of {allowed}")
        if all(k.field != field for k in keys):
            keys.append(SortKey(field, descending))
    return tuple(keys)
