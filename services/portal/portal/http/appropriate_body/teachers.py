"""The appropriate body's teachers: open and closed inductions, search by name or TRN, pagination, and in blended
mode a filter by appropriate body; a page per teacher. The filter is a GET form, so every view is a URL."""
from __future__ import annotations

from flask import redirect, request, url_for

from portal.domain.answers import clean
from portal.domain.registering import PROGRAMMES
from portal.http.appropriate_body.common import (APPEAL_DECISIONS, OUTCOMES, STATUSES, bodies, body_name,
                                                 filtered_body, in_section, induction, name, open_period,
                                                 outcome_period, pending_appeal, several_bodies)
from portal.http.base import render, services
from portal.http.listing import page_number, pagination_links, selected_filters

PAGE_SIZE = 25
LISTS = {"open": "Open inductions", "closed": "Closed inductions"}


def register(bp) -> None:
    bp.add_url_rule("", "home", in_section(lambda: redirect(url_for("appropriate_body.teachers"))))
    bp.add_url_rule("/teachers", "teachers", in_section(teachers))
    bp.add_url_rule("/teachers/<trn>", "teacher", in_section(teacher))


def teachers():
    body = filtered_body()
    query = clean(request.args.get("q"), 100)
    status = request.args.get("status") if request.args.get("status") in LISTS else "open"
    answer = services().call("GET", "/inductions/ects", params={
        "appropriate_body_id": body.id if body else None, "q": query or None, "status": status,
        "page": page_number(), "page_size": PAGE_SIZE})
    pagination = answer.pagination or {"total": len(answer.body), "total_pages": 1, "page": 1}
    filters = {"status": status if status != "open" else None, "q": query or None,
               "appropriate_body": body.id if body else None}

    def url(**changed) -> str:
        values = {**filters, **changed}
        return url_for("appropriate_body.teachers", **{k: v for k, v in values.items() if v})

    people = [{**i, "period": open_period(i) or (i["periods"][-1] if i["periods"] else None)} for i in answer.body]
    return render("appropriate_body/teachers.html", people=people, query=query, list_status=status, lists=LISTS,
                  tabs=[{"text": text, "href": url(status=key if key != "open" else None, page=None),
                         "current": key == status} for key, text in LISTS.items()],
                  body=body, bodies=bodies(), several_bodies=several_bodies(), body_name=body_name,
                  pagination=pagination, statuses=STATUSES,
                  pages=pagination_links(pagination, lambda number: url(page=number if number > 1 else None)),
                  clear_url=url(q=None, appropriate_body=None),
                  selected_filters=selected_filters("appropriate_body.teachers", filters, {
                      "q": ("Name or TRN", query), "appropriate_body": ("Appropriate body", body.name if body else None)}))


def teacher(trn: str):
    found = induction(trn)
    current = open_period(found)
    failed = outcome_period(found)
    return render("appropriate_body/teacher.html", teacher=found, name=name(found), body_name=body_name,
                  statuses=STATUSES, outcomes=OUTCOMES, programmes=PROGRAMMES, decisions=APPEAL_DECISIONS,
                  open_period=current, pending_appeal=pending_appeal(found),
                  may_appeal=found["status"] == "Failed" and failed is not None and pending_appeal(found) is None,
                  several_bodies=several_bodies())
