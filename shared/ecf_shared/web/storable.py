"""What a request may carry so that PostgreSQL, UTF-8 and Python can hold it (issue 14: no input gets a 5xx).

PostgreSQL refuses NUL in text and integers past bigint; UTF-8 cannot encode a lone surrogate; Python recurses
over nested JSON and cannot represent dates past year 9999. Fields and the request guard refuse them up front."""
from __future__ import annotations

import re
from datetime import date

MAX_JSON_DEPTH = 64
# PostgreSQL's integer (int4): a value a request carries fits any integer column, and any OFFSET or LIMIT.
INTEGER_MIN, INTEGER_MAX = -(2**31), 2**31 - 1
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)

TEXT_MESSAGE = "Must not contain NUL characters or unpaired surrogates."
INTEGER_MESSAGE = f"Must be a whole number between {INTEGER_MIN} and {INTEGER_MAX}."
DATE_MESSAGE = f"Must be a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
JSON_DEPTH_MESSAGE = f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(value: str) -> bool:
    return _UNSTORABLE.search(value) is None


def sane_date(value: date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def json_depth(value, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply containers nest in a parsed JSON value (a scalar is 0); stops counting past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, depth)
            if depth > limit:
                return deepest
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest
