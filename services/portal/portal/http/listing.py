"""What every list page shares: the page number asked for, GOV.UK pagination links, and the MOJ filter's
"selected filters" (each with a link that removes it), all from GET parameters so a view can be bookmarked."""
from __future__ import annotations

import re

from flask import request, url_for


def page_number(limit: int = 100000) -> int:
    """The page asked for, within 1..limit; anything else (another script's digits, thousands of them) is page 1."""
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), limit)) if re.fullmatch(r"[0-9]{1,9}", raw) else 1


def pagination_links(pagination: dict, page_url) -> dict | None:
    """GOV.UK pagination (numbers around the current page, first and last, ellipses) from the services'
    X-Pagination header."""
    total_pages = int(pagination.get("total_pages") or 1)
    page = int(pagination.get("page") or 1)
    if total_pages <= 1:
        return None
    shown = sorted({1, total_pages, *range(max(1, page - 1), min(total_pages, page + 1) + 1)})
    items, last = [], 0
    for number in shown:
        if number - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": page_url(number), "current": number == page})
        last = number
    return {"items": items, "previous": {"href": page_url(page - 1)} if page > 1 else None,
            "next": {"href": page_url(page + 1)} if page < total_pages else None}


def selected_filters(endpoint: str, filters: dict, shown: dict[str, tuple[str, str | None]]) -> list[dict]:
    """`filters`: the list's GET parameters; `shown`: per parameter, its heading and the text of its value (None
    when not filtered by it)."""
    def without(key):
        return url_for(endpoint, **{k: v for k, v in filters.items() if v and k != key})

    return [{"heading": heading, "text": text, "href": without(key)}
            for key, (heading, text) in shown.items() if text and filters.get(key)]
