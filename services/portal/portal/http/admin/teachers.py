"""Teachers in the admin console: find one by TRN or name (registrations' ECTs and mentors and inductions' records,
across every school and appropriate body), their page with a timeline across the services (registrations' and
inductions' audit trails, trs-sync's deliveries to TRS), and the changes DfE staff make to an induction: reopening it
and recording an exemption, each with the note or support ticket reference the rules require, and deciding an appeal
against a fail (the edit rules give the decision to DfE staff admins, within a year of the appeal)."""
from __future__ import annotations

import re

from flask import abort, request, url_for

from ecf_shared.induction_transitions import EXEMPTION_REASONS

from portal.domain import answers as read
from portal.domain.registering import PROGRAMMES
from portal.http.admin.common import (DELIVERIES, actor_text, humanise, moment, organisation_name, staff_induction,
                                      staff_only)
from portal.http.appropriate_body.common import APPEAL_DECISIONS, OUTCOMES, STATUSES
from portal.http.appropriate_body.outcomes import Refused, once_token, send_once
from portal.http.base import render, services

TRN = re.compile(r"^\d{7}$")
RESULTS = 50
# TRS's reasons staff may give in CPD (the TRS console's own stays TRS's).
STAFF_EXEMPTION_REASONS = {code: text for code, text in EXEMPTION_REASONS.items() if code != "recorded_in_trs"}
REGISTRATION_ACTIONS = {
    "ect_registered": "Registered as an ECT", "ect_moved_in": "Moved in as an ECT from another school",
    "mentor_registered": "Registered as a mentor", "mentor_assigned": "Mentor assigned",
    "details_corrected": "Name or email corrected", "ect_left": "Left the school (ECT)",
    "mentor_left": "Left the school (mentor)", "ect_registration_changed": "ECT registration changed",
    "mentor_registration_changed": "Mentor registration changed",
    "training_partnership_linked": "Training linked to the lead provider's partnership"}
INDUCTION_ACTIONS = {
    "claim": "Claimed by an appropriate body", "pass": "Induction passed", "fail": "Induction failed",
    "release": "Released by the appropriate body", "add_extension": "Extension added",
    "edit_extension": "Extension changed", "lodge_appeal": "Appeal lodged", "decide_appeal": "Appeal decided",
    "admin_reopen": "Reopened by DfE staff", "exemption": "Exemption recorded",
    "manual_handling_closed": "Manual-handling item closed", "import_in_flight": "Imported from the legacy service",
    "import_in_flight_update": "Updated by the legacy import", "details_changed": "Name changed",
    "register": "Induction record opened (a school registered them)", "left_school": "Left a school",
    "moved_school": "Moved to another school", "exemption_from_trs": "Exemption made in the TRS console"}


def register(bp) -> None:
    bp.add_url_rule("/teachers", "teachers", staff_only(search))
    bp.add_url_rule("/teachers/<trn>", "teacher", staff_only(teacher))
    bp.add_url_rule("/teachers/<trn>/reopen", "reopen", staff_only(reopen), methods=["GET", "POST"])
    bp.add_url_rule("/teachers/<trn>/exemption", "exemption", staff_only(exemption), methods=["GET", "POST"])
    bp.add_url_rule("/teachers/<trn>/appeals/<appeal_id>/decision", "appeal_decision", staff_only(appeal_decision),
                    methods=["GET", "POST"])


# --- finding ------------------------------------------------------------------------------------------------------

def search():
    raw = request.args.get("q", "")
    query, errors = read.clean(raw, 200), {}
    if len(query) > 100:
        errors["q"] = "Search for a TRN or a name of 100 characters or fewer"
    people = _found(query) if query and not errors else None
    return render("admin/teachers.html", status=422 if errors else 200, errors=errors, query=query, people=people)


def _found(query: str) -> list[dict]:
    """Everyone registrations or inductions holds under that TRN or name (staff read across organisations)."""
    people: dict[str, dict] = {}
    api = services()

    def person(record: dict) -> dict:
        return people.setdefault(record["trn"], {"trn": record["trn"], "name": f"{record['first_name']} {record['last_name']}",
                                                 "roles": [], "induction": None})

    for kind, path in (("ECT", "/registrations/ects"), ("Mentor", "/registrations/mentors")):
        for record in api.get(path, q=query, page_size=RESULTS, sort="name"):
            left = " (left)" if record.get("status") == "left" else ""
            person(record)["roles"].append(f"{kind} at {organisation_name(record['school_id'])}{left}")
    for record in api.get("/inductions/ects", q=query, page_size=RESULTS):
        person(record)["induction"] = STATUSES.get(record["status"], record["status"])
    return sorted(people.values(), key=lambda p: (p["name"].split(" ")[-1].lower(), p["name"].lower(), p["trn"]))


# --- one teacher --------------------------------------------------------------------------------------------------

def _registrations(trn: str) -> list[dict]:
    api, found = services(), []
    for kind, path in (("ECT", "/registrations/ects"), ("Mentor", "/registrations/mentors")):
        found += [{**r, "kind": kind, "school_name": organisation_name(r["school_id"])}
                  for r in api.get(path, q=trn, page_size=100) if r["trn"] == trn]
    return sorted(found, key=lambda r: r["started_on"] or "")


def _timeline(trn: str, registrations: list[dict]) -> list[dict]:
    """What each service recorded about the teacher, oldest first."""
    api, entries = services(), []
    for teacher_id in dict.fromkeys(r["teacher_id"] for r in registrations):
        for e in api.get("/registrations/audit", subject=teacher_id):
            entries.append({"at": e["at"], "service": "Registrations",
                            "what": REGISTRATION_ACTIONS.get(e["action"], humanise(e["action"])),
                            "who": actor_text(e["actor"], e.get("acting_for_reason")),
                            "detail": organisation_name(e["school_id"]) if e.get("school_id") else None,
                            "refused": e.get("outcome") == "refused"})
    for e in api.get(f"/inductions/teachers/{trn}/audit"):
        detail = "; ".join(filter(None, (e.get("note") and f"Note: {e['note']}",
                                         e.get("support_ticket") and f"Support ticket: {e['support_ticket']}")))
        entries.append({"at": e["at"], "service": "Inductions", "what": INDUCTION_ACTIONS.get(e["action"], humanise(e["action"])),
                        "who": actor_text(e["actor"]), "detail": detail or None, "refused": False})
    for e in api.get("/trs-sync/sync-log", trn=trn, limit=200):
        sent = e.get("request_body") or {}
        what = f"Sent {STATUSES.get(sent.get('status'), sent.get('status') or 'a change')} to TRS"
        result = DELIVERIES.get(e["outcome"], humanise(e["outcome"]))
        if e.get("response_status"):
            result += f" (TRS answered {e['response_status']}{' ' + e['error_code'] if e.get('error_code') else ''})"
        entries.append({"at": e["at"], "service": "TRS", "what": what, "who": "trs-sync",
                        "detail": f"{result}{': ' + e['detail'] if e.get('detail') else ''}",
                        "refused": e["outcome"] == "manual"})
    return sorted(entries, key=lambda entry: moment(entry["at"]))


def _manual_items(trn: str) -> list[dict]:
    from portal.http.admin.manual import items

    return items("open", trn=trn)


def teacher(trn: str):
    if not TRN.match(trn):
        abort(404)
    registrations, induction = _registrations(trn), staff_induction(trn)
    timeline = _timeline(trn, registrations)
    if not registrations and induction is None and not timeline:
        abort(404)
    first = registrations[0] if registrations else induction
    name = f"{first['first_name']} {first['last_name']}" if first else f"TRN {trn}"
    return render("admin/teacher.html", trn=trn, name=name, registrations=registrations, induction=induction,
                  timeline=timeline, manual_items=_manual_items(trn), statuses=STATUSES, outcomes=OUTCOMES,
                  decisions=APPEAL_DECISIONS, programmes=PROGRAMMES, body_name=organisation_name,
                  reasons=EXEMPTION_REASONS)


# --- reopening and exemption --------------------------------------------------------------------------------------

def _needs_induction(trn: str) -> tuple[dict, str]:
    if not TRN.match(trn):
        abort(404)
    found = staff_induction(trn)
    if found is None:
        abort(404)
    return found, f"{found['first_name']} {found['last_name']}"


def _note_and_ticket(form, errors: dict) -> dict:
    note, ticket = read.clean(form.get("note"), 3000), read.clean(form.get("support_ticket"), 300)
    if not note and not ticket:
        errors["note"] = "Enter a note or a support ticket reference"
    if len(note) > 2000:
        errors["note"] = "Note must be 2000 characters or fewer"
    if len(ticket) > 100:
        errors["support_ticket"] = "Support ticket reference must be 100 characters or fewer"
    return {"note": note or None, "support_ticket": ticket or None}


def _to_queue(name: str):
    return lambda error: render("admin/sent_to_queue.html", name=name, message=error.message)


def reopen(trn: str):
    found, name = _needs_induction(trn)
    back = url_for("admin.teacher", trn=trn)
    values = {"name": name, "teacher": found, "statuses": STATUSES, "back_link": back, "form": request.form,
              "once": request.form.get("once_token") or once_token()}
    if request.method == "GET":
        return render("admin/reopen.html", **values)
    errors = {}
    body = _note_and_ticket(request.form, errors)
    if errors:
        return render("admin/reopen.html", status=422, errors=errors, **values)
    try:
        return send_once(found, f"/inductions/admin/ects/{trn}/reopen", body,
                         {"note": "note", "support_ticket": "support_ticket"},
                         f"{name}'s induction has been reopened", back_url=back, on_manual=_to_queue(name))
    except Refused as refused:
        return render("admin/reopen.html", status=422, errors=refused.errors, **values)


def exemption(trn: str):
    found, name = _needs_induction(trn)
    back = url_for("admin.teacher", trn=trn)
    open_period = next((p for p in found["periods"] if p["finished_on"] is None), None)
    values = {"name": name, "teacher": found, "statuses": STATUSES, "back_link": back, "form": request.form,
              "reasons": STAFF_EXEMPTION_REASONS, "open_period": open_period, "body_name": organisation_name,
              "once": request.form.get("once_token") or once_token()}
    if request.method == "GET":
        return render("admin/exemption.html", **values)
    errors = {}
    reason, message = read.required_choice(request.form.get("reason"), STAFF_EXEMPTION_REASONS,
                                           "Select why they are exempt")
    if message:
        errors["reason"] = message
    terms = None
    if open_period is not None:
        terms, message = read.terms(request.form.get("number_of_terms"))
        if message:
            errors["number_of_terms"] = message
    body = {"reason": reason, "number_of_terms": terms, **_note_and_ticket(request.form, errors)}
    if errors:
        return render("admin/exemption.html", status=422, errors=errors, **values)
    try:
        return send_once(found, f"/inductions/admin/ects/{trn}/exemption", body,
                         {"reason": "reason", "number_of_terms": "number_of_terms", "note": "note",
                          "support_ticket": "support_ticket"},
                         f"An exemption has been recorded for {name}", back_url=back, on_manual=_to_queue(name))
    except Refused as refused:
        return render("admin/exemption.html", status=422, errors=refused.errors, **values)



# --- an appeal's decision -----------------------------------------------------------------------------------------

def appeal_decision(trn: str, appeal_id: str):
    found, name = _needs_induction(trn)
    appeal = next((a for a in found["appeals"] if a["id"] == appeal_id and not a.get("decision")), None)
    if appeal is None:
        abort(404)
    back = url_for("admin.teacher", trn=trn)
    values = {"name": name, "teacher": found, "appeal": appeal, "decisions": APPEAL_DECISIONS, "back_link": back,
              "form": request.form, "once": request.form.get("once_token") or once_token()}
    if request.method == "GET":
        return render("admin/appeal_decision.html", **values)
    errors = {}
    decision, message = read.required_choice(request.form.get("decision"), APPEAL_DECISIONS,
                                             "Select the appeal's decision")
    if message:
        errors["decision"] = message
    note = read.clean(request.form.get("note"), 3000)
    if len(note) > 2000:
        errors["note"] = "Note must be 2000 characters or fewer"
    if errors:
        return render("admin/appeal_decision.html", status=422, errors=errors, **values)
    try:
        return send_once(found, f"/inductions/appeals/{appeal_id}/decision", {"decision": decision, "note": note or None},
                         {"decision": "decision", "note": "note"},
                         f"The decision on {name}'s appeal has been recorded", back_url=back, on_manual=_to_queue(name))
    except Refused as refused:
        return render("admin/appeal_decision.html", status=422, errors=refused.errors, **values)
