"""The pages of a provider side (providers.Side): the partnered schools of a cohort (a tab per cohort), a school's
page with its contacts exactly as the lead provider API sends them, and the participants with their filters and the
CSV file of the filtered list, streamed from lp-api through the portal as it arrives (never held whole).

Every view is a URL (GET filters). An id in the URL that is not the user's to see is refused by lp-api (another of
one's own kind: 403, a partnership: 404) or, for the filters the portal lists (the other side, a school, a cohort),
answered "not found" when it is not among them; a value that is no id at all is not found either."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from flask import Response, abort, redirect, request, stream_with_context, url_for

from portal.domain.answers import clean
from portal.http.appropriate_body.common import STATUSES as INDUCTION_STATUSES
from portal.http.base import current_context, render, section, services
from portal.http.listing import page_number, pagination_links, selected_filters
from portal.http.providers import Side

PAGE_SIZE = 25
TYPES = {"ect": "ECTs", "mentor": "Mentors"}
TYPE_NAMES = {"ect": "ECT", "mentor": "Mentor"}
TRAINING_STATUSES = {"active": "Active", "deferred": "Deferred", "withdrawn": "Withdrawn"}
CONTACT_ROLES = {"induction_tutor": "Induction tutor", "school_contact": "School contact",
                 "school_user": "User of this service"}


def register(bp, side: Side) -> None:
    guarded = section(side.type)
    bp.add_url_rule("", "home", guarded(lambda: redirect(url_for(f"{side.type}.schools"))))
    bp.add_url_rule("/schools", "schools", guarded(lambda: schools(side)))
    bp.add_url_rule("/schools/<partnership_id>", "school", guarded(lambda partnership_id: school(side, partnership_id)))
    bp.add_url_rule("/participants", "participants", guarded(lambda: participants(side)))
    bp.add_url_rule("/participants.csv", "participants_csv", guarded(lambda: participants_csv(side)))


def _id(raw: str | None) -> str | None:
    """An id from the URL; anything else there is a page that does not exist."""
    if not raw:
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        abort(404)


@dataclass
class View:
    """What a provider page shows, from its GET parameters: the user's own organisations (and the one chosen), the
    other side's organisations (and the one chosen), the cohorts, and the participants' own filters."""

    side: Side
    own: list
    own_id: str | None
    others: list[dict]
    other: dict | None
    cohorts: list[int]
    cohort: int | None = None
    school: dict | None = None
    participant_type: str | None = None
    training_status: str | None = None
    query: str = ""
    school_options: list[dict] = field(default_factory=list)

    @property
    def own_name(self) -> str | None:
        return next((o.name for o in self.own if o.id == self.own_id), None)

    def service_params(self) -> dict:
        values = {f"{self.side.type}_id": self.own_id, f"{self.side.other}_id": self.other["id"] if self.other else None,
                  "cohort": self.cohort, "school_id": self.school["school_id"] if self.school else None,
                  "participant_type": self.participant_type, "training_status": self.training_status,
                  "q": self.query or None}
        return {k: v for k, v in values.items() if v is not None}

    def url_params(self) -> dict:
        values = {self.side.type: self.own_id, self.side.other: self.other["id"] if self.other else None,
                  "cohort": self.cohort, "school": self.school["school_id"] if self.school else None,
                  "type": self.participant_type, "training_status": self.training_status, "q": self.query or None}
        return {k: v for k, v in values.items() if v}


def _view(side: Side) -> View:
    own = current_context().in_view(side.type)
    own_id = _id(request.args.get(side.type))  # another organisation's: lp-api refuses it
    others = services().get(f"/lp-api/{side.path}/{side.others_path}", **{f"{side.type}_id": own_id})
    other_id = _id(request.args.get(side.other))
    other = next((o for o in others if o["id"] == other_id), None)
    if other_id and other is None:
        abort(404)
    cohorts = sorted({c for o in others for c in o["cohorts"]}, reverse=True)
    raw = request.args.get("cohort", "")
    cohort = int(raw) if re.fullmatch(r"\d{4}", raw) else None
    if raw and cohort not in cohorts:
        abort(404)
    return View(side, own, own_id, others, other, cohorts, cohort)


def _partnerships(view: View, **params) -> tuple[list[dict], dict]:
    answer = services().call("GET", f"/lp-api/{view.side.path}/partnerships", params={k: v for k, v in {
        f"{view.side.type}_id": view.own_id, f"{view.side.other}_id": view.other["id"] if view.other else None,
        **params}.items() if v is not None})
    return answer.body, answer.pagination or {"total": len(answer.body), "total_pages": 1, "page": 1}


def _common(view: View) -> dict:
    return {"side": view.side, "view": view, "several_own": len(view.own) > 1,
            "own_items": [{"value": "", "text": f"All your {view.side.label.lower()}s", "checked": not view.own_id}]
            + [{"value": o.id, "text": o.name, "checked": o.id == view.own_id} for o in view.own],
            "other_items": [{"value": "", "text": f"All {view.side.other_plural}", "checked": not view.other}]
            + [{"value": o["id"], "text": o["name"], "checked": view.other is not None and o["id"] == view.other["id"]}
               for o in view.others]}


def _selected(view: View, endpoint: str, shown: dict) -> list[dict]:
    side = view.side
    return selected_filters(endpoint, view.url_params(), {
        side.type: (side.label, view.own_name or ("Another organisation" if view.own_id else None)),
        side.other: (side.other_label, view.other["name"] if view.other else None), **shown})


# --- the schools ----------------------------------------------------------------------------------------------------

def schools(side: Side):
    view = _view(side)
    view.cohort = view.cohort or (view.cohorts[0] if view.cohorts else None)
    endpoint = f"{side.type}.schools"
    found, pagination = _partnerships(view, cohort=view.cohort, page=page_number(), page_size=PAGE_SIZE) \
        if view.cohort else ([], {"total": 0, "total_pages": 1, "page": 1})

    def url(**changed) -> str:
        values = {**view.url_params(), **changed}
        return url_for(endpoint, **{k: v for k, v in values.items() if v})

    return render("providers/schools.html", **_common(view), partnerships=found, pagination=pagination,
                  tabs=[{"text": str(c), "href": url(cohort=c, page=None), "current": c == view.cohort}
                        for c in view.cohorts],
                  pages=pagination_links(pagination, lambda number: url(page=number if number > 1 else None)),
                  clear_url=url_for(endpoint, cohort=view.cohort),
                  selected_filters=_selected(view, endpoint, {}))


def school(side: Side, partnership_id: str):
    found = services().get(f"/lp-api/{side.path}/partnerships/{_id(partnership_id)}")
    return render("providers/school.html", side=side, partnership=found, roles=CONTACT_ROLES,
                  back_link=url_for(f"{side.type}.schools", cohort=found["cohort"]),
                  participants_url=url_for(f"{side.type}.participants", **{side.other: found[f"{side.other}_id"]},
                                           cohort=found["cohort"], school=found["school_id"]))


# --- the participants -----------------------------------------------------------------------------------------------

def _participants_view(side: Side) -> View:
    view = _view(side)
    wanted = request.args.get("type")
    view.participant_type = wanted if wanted in TYPES else None
    wanted = request.args.get("training_status")
    view.training_status = wanted if wanted in TRAINING_STATUSES else None
    view.query = clean(request.args.get("q"), 100)
    options, _ = _partnerships(view, page_size=1000)
    view.school_options = sorted({p["school_id"]: p for p in options}.values(), key=lambda p: p["school_name"].lower())
    school_id = _id(request.args.get("school"))
    if school_id:
        view.school = next((p for p in view.school_options if p["school_id"] == school_id), None)
        if view.school is None:  # beyond the first thousand, or not partnered with the user's organisations at all
            exact, _ = _partnerships(view, school_id=school_id, page_size=1)
            view.school = exact[0] if exact else abort(404)
    return view


def participants(side: Side):
    view = _participants_view(side)
    endpoint = f"{side.type}.participants"
    answer = services().call("GET", f"/lp-api/{side.path}/participants",
                             params={**view.service_params(), "page": page_number(), "page_size": PAGE_SIZE})
    pagination = answer.pagination or {"total": len(answer.body), "total_pages": 1, "page": 1}

    def url(**changed) -> str:
        values = {**view.url_params(), **changed}
        return url_for(endpoint, **{k: v for k, v in values.items() if v})

    return render("providers/participants.html", **_common(view), people=answer.body, pagination=pagination,
                  types=TYPES, type_names=TYPE_NAMES, training_statuses=TRAINING_STATUSES,
                  induction_statuses=INDUCTION_STATUSES, query=view.query,
                  csv_url=url_for(f"{side.type}.participants_csv", **view.url_params()),
                  pages=pagination_links(pagination, lambda number: url(page=number if number > 1 else None)),
                  clear_url=url_for(endpoint),
                  selected_filters=_selected(view, endpoint, {
                      "q": ("Name or TRN", view.query), "cohort": ("Cohort", str(view.cohort or "") or None),
                      "school": ("School", view.school["school_name"] if view.school else None),
                      "type": ("Type", TYPES.get(view.participant_type or "")),
                      "training_status": ("Training status", TRAINING_STATUSES.get(view.training_status or ""))}))


def participants_csv(side: Side):
    """The filtered list as lp-api writes it, passed on a chunk at a time as it arrives."""
    view = _participants_view(side)
    download = services().stream(f"/lp-api/{side.path}/participants.csv", **view.service_params())
    name = "-".join(["participants", *([str(view.cohort)] if view.cohort else [])])
    return Response(stream_with_context(download.chunks()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"', "X-Accel-Buffering": "no"})
