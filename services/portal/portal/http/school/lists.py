"""The school's ECTs and mentors: search by name or TRN, a status filter, pagination, and in blended mode a filter
by school. The filter is a GET form, so every view of a list is a URL that can be bookmarked."""
from __future__ import annotations

from flask import request, url_for

from portal.domain.answers import clean
from portal.http.base import render, section, services
from portal.http.school.common import filtered_school, schools, several_schools

PAGE_SIZE = 25
STATUSES = {"current": "Currently at the school", "left": "Left the school", "all": "All"}
KINDS = {"ect": ("/registrations/ects", "school/ects.html", "school.ects"),
         "mentor": ("/registrations/mentors", "school/mentors.html", "school.mentors")}


def register(bp) -> None:
    bp.add_url_rule("/ects", "ects", section("school")(lambda: _list("ect")))
    bp.add_url_rule("/mentors", "mentors", section("school")(lambda: _list("mentor")))


def _page() -> int:
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), 100000)) if raw.isdigit() else 1


def _list(kind: str):
    path, template, endpoint = KINDS[kind]
    school = filtered_school()
    query = clean(request.args.get("q"), 100)
    status = request.args.get("status") if request.args.get("status") in STATUSES else "current"
    page = _page()
    answer = services().call("GET", path, params={
        "school_id": school.id if school else None, "q": query or None, "status": None if status == "all" else status,
        "page": page, "page_size": PAGE_SIZE, "sort": "name"})
    pagination = answer.pagination or {"total": len(answer.body), "total_pages": 1, "page": 1}
    filters = {"q": query or None, "status": status if status != "current" else None,
               "school": school.id if school else None}

    def page_url(number: int) -> str:
        return url_for(endpoint, **{k: v for k, v in filters.items() if v}, page=number if number > 1 else None)

    return render(template, people=answer.body, query=query, status_filter=status, statuses=STATUSES, school=school,
                  schools=schools(), several_schools=several_schools(), pagination=pagination,
                  pages=_pagination(pagination, page_url), clear_url=url_for(endpoint),
                  selected_filters=_selected(filters, school, endpoint))


def _pagination(pagination: dict, page_url) -> dict | None:
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


def _selected(filters: dict, school, endpoint: str) -> list[dict]:
    chosen = []
    def without(key):
        return url_for(endpoint, **{k: v for k, v in filters.items() if v and k != key})
    if filters["q"]:
        chosen.append({"heading": "Name or TRN", "text": filters["q"], "href": without("q")})
    if filters["status"]:
        chosen.append({"heading": "Status", "text": STATUSES[filters["status"]], "href": without("status")})
    if school:
        chosen.append({"heading": "School", "text": school.name, "href": without("school")})
    return chosen
