"""The school's ECTs and mentors: search by name or TRN, a status filter, pagination, and in blended mode a filter
by school. The filter is a GET form, so every view of a list is a URL that can be bookmarked."""
from __future__ import annotations

from flask import request, url_for

from portal.domain.answers import clean
from portal.http.base import render, section, services
from portal.http.listing import page_number, pagination_links, selected_filters
from portal.http.school.common import filtered_school, schools, several_schools

PAGE_SIZE = 25
STATUSES = {"current": "Currently at the school", "left": "Left the school", "all": "All"}
KINDS = {"ect": ("/registrations/ects", "school/ects.html", "school.ects"),
         "mentor": ("/registrations/mentors", "school/mentors.html", "school.mentors")}


def register(bp) -> None:
    bp.add_url_rule("/ects", "ects", section("school")(lambda: _list("ect")))
    bp.add_url_rule("/mentors", "mentors", section("school")(lambda: _list("mentor")))


def _list(kind: str):
    path, template, endpoint = KINDS[kind]
    school = filtered_school()
    query = clean(request.args.get("q"), 100)
    status = request.args.get("status") if request.args.get("status") in STATUSES else "current"
    page = page_number()
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
                  pages=pagination_links(pagination, page_url), clear_url=url_for(endpoint),
                  selected_filters=selected_filters(endpoint, filters, {
                      "q": ("Name or TRN", query), "status": ("Status", STATUSES.get(filters["status"] or "")),
                      "school": ("School", school.name if school else None)}))
