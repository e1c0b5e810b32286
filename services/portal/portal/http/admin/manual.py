"""Manual handling in the admin console: inductions' queue (changes outside the edit rules' time windows, TRS console
changes to review) and trs-sync's (changes TRS did not take, TRS differing from what CPD sent) in one list, oldest
first; each item's page with its evidence, and the actions its service offers (trs-sync: retry; both: close with a
note saying how it was settled)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from portal.adapters.gateway import ServiceError, ServiceUnavailable
from portal.domain import answers as read
from portal.http.admin.common import (DELIVERIES, actor_text, humanise, moment, organisation_name, staff_induction,
                                      staff_only)
from portal.http.appropriate_body.common import STATUSES
from portal.http.base import render, services

LIMIT = 500
SERVICES = {"inductions": "Inductions", "trs-sync": "TRS sync"}
KINDS = {"outside_window": "Change outside the time allowed", "trs_console_change": "TRS console change to review",
         "delivery": "Change TRS did not take", "drift": "TRS differs from what CPD sent"}
TABS = {"open": "Open", "settled": "Settled"}
STATES = {"open": "Open", "closed": "Closed", "resolved": "Resolved"}
# The states of each service's queue that each tab shows.
TAB_STATES = {"open": {"inductions": ("open",), "trs-sync": ("open",)},
              "settled": {"inductions": ("closed",), "trs-sync": ("resolved", "closed")}}
INDUCTION_ACTIONS = {"claim": "Claim", "claim_after_release": "Claim after a release", "pass": "Record a pass",
                     "fail": "Record a fail", "release": "Release", "lodge_appeal": "Lodge an appeal",
                     "appeal_upheld_continue": "Uphold an appeal (the induction continues)",
                     "appeal_upheld_replace": "Uphold an appeal (a pass replaces the fail)",
                     "appeal_dismissed": "Dismiss an appeal", "admin_reopen_passed": "Reopen a passed induction",
                     "admin_reopen_failed": "Reopen a failed induction", "record_extension": "Record an extension",
                     "exempt_in_progress": "Record an exemption", "exempt_before_start": "Record an exemption"}


def register(bp) -> None:
    bp.add_url_rule("/manual-handling", "manual_handling", staff_only(queue))
    bp.add_url_rule("/manual-handling/inductions/<uuid:item_id>", "induction_item", staff_only(induction_item),
                    methods=["GET", "POST"])
    bp.add_url_rule("/manual-handling/trs-sync/<int(max=2147483647):item_id>", "trs_item", staff_only(trs_item),
                    methods=["GET", "POST"])
    bp.add_url_rule("/manual-handling/trs-sync/<int(max=2147483647):item_id>/retry", "trs_retry",
                    staff_only(trs_retry), methods=["POST"])


def _inductions_row(item: dict) -> dict:
    return {"service": "inductions", "id": item["id"], "trn": item["trn"], "kind": KINDS.get(item["kind"], humanise(item["kind"])),
            "why": item["message"], "since": item["created_at"], "state": item["state"],
            "href": url_for("admin.induction_item", item_id=item["id"])}


# What TRS's error codes mean (the edit rules' own reason codes read as they are).
TRS_ERRORS = {"10001": "TRS does not know this teacher", "10033": "TRS holds a newer change from CPD",
              "10034": "The teacher does not have QTS in TRS", "10035": "TRS does not take this status from CPD",
              "10036": "TRS needs a start date with this status", "10037": "TRS needs a completed date with this status",
              "10038": "TRS takes no start date with this status",
              "10039": "TRS takes no completed date with this status"}


def trs_why(item: dict) -> str:
    code = item.get("error_code")
    if code in TRS_ERRORS:
        return f"{TRS_ERRORS[code]} (TRS error {code}: {item['detail']})"
    return item["detail"] + (f" ({humanise(code).lower()})" if code else "")


def _trs_row(item: dict) -> dict:
    why = trs_why(item)
    return {"service": "trs-sync", "id": item["id"], "trn": item["trn"], "kind": KINDS.get(item["kind"], humanise(item["kind"])),
            "why": why, "since": item["created_at"], "state": item["state"],
            "href": url_for("admin.trs_item", item_id=item["id"])}


def items(tab: str, *, trn: str | None = None) -> list[dict]:
    """Both queues' items in the tab, oldest first."""
    api, rows = services(), []
    for state in TAB_STATES[tab]["inductions"]:
        rows += [_inductions_row(i) for i in api.get("/inductions/manual-handling", state=state, trn=trn, limit=LIMIT)]
    for state in TAB_STATES[tab]["trs-sync"]:
        rows += [_trs_row(i) for i in api.get("/trs-sync/manual-handling", state=state, trn=trn, limit=LIMIT)]
    return sorted(rows, key=lambda row: moment(row["since"]))


def open_count() -> int:
    return len(items("open"))


def queue():
    tab = request.args.get("state") if request.args.get("state") in TABS else "open"
    rows = items(tab)
    return render("admin/manual_handling.html", rows=rows, tab=tab, limit=LIMIT, services=SERVICES,
                  tabs=[{"text": text, "current": key == tab,
                         "href": url_for("admin.manual_handling", state=None if key == "open" else key)}
                        for key, text in TABS.items()])


def _note(form) -> tuple[str, dict]:
    note = read.clean(form.get("note"), 3000)
    if not note:
        return note, {"note": "Enter a note saying how this was settled"}
    if len(note) < 3:
        return note, {"note": "Note must be 3 characters or more"}
    if len(note) > 2000:
        return note, {"note": "Note must be 2000 characters or fewer"}
    return note, {}


def _item_page(template: str, item_url: str, values: dict, close):
    """An item's page; its form closes it with the note: back to the item with a banner, bad input on the form, an
    item already settled said so."""
    if request.method == "GET":
        return render(template, **values)
    note, errors = _note(request.form)
    if errors:
        return render(template, status=422, errors=errors, **values)
    try:
        close(note)
    except ServiceError as error:
        if error.code == "item_not_open":
            flash("This item had already been settled; nothing was changed.", "info")
            return redirect(item_url)
        if error.status == 422:
            return render(template, status=422, errors={"note": next(iter(error.field_messages().values()), error.message)},
                          **values)
        raise
    flash("The item has been closed with your note.", "success")
    return redirect(item_url)


def induction_item(item_id):
    api = services()
    item = api.get(f"/inductions/manual-handling/{item_id}")
    item_url = url_for("admin.induction_item", item_id=item_id)
    values = {"item": item, "kind": KINDS.get(item["kind"], humanise(item["kind"])), "induction": staff_induction(item["trn"]),
              "asked_by": actor_text(item.get("actor")), "statuses": STATUSES, "states": STATES,
              "action": INDUCTION_ACTIONS.get(item.get("action"), humanise(item.get("action"))),
              "closed_by": actor_text(item.get("resolved_by")) if item.get("resolved_by") else None,
              "details": [(humanise(k.removesuffix("_id")), organisation_name(v) if k == "appropriate_body_id" else v)
                          for k, v in (item.get("details") or {}).items() if v not in (None, "", [], {})],
              "form": request.form, "back_link": url_for("admin.manual_handling")}
    return _item_page("admin/induction_item.html", item_url, values,
                      lambda note: api.post(f"/inductions/manual-handling/{item_id}/close", {"note": note}))


def trs_item(item_id: int):
    api = services()
    item = api.get(f"/trs-sync/manual-handling/{item_id}")
    item_url = url_for("admin.trs_item", item_id=item_id)
    values = {"item": item, "kind": KINDS.get(item["kind"], humanise(item["kind"])), "statuses": STATUSES,
              "states": STATES, "attempts": api.get("/trs-sync/sync-log", trn=item["trn"], limit=20),
              "why": trs_why(item), "deliveries": DELIVERIES,
              "form": request.form, "back_link": url_for("admin.manual_handling")}
    return _item_page("admin/trs_item.html", item_url, values,
                      lambda note: api.post(f"/trs-sync/manual-handling/{item_id}/close", {"reason": note}))


def trs_retry(item_id: int):
    item_url = url_for("admin.trs_item", item_id=item_id)
    try:
        answer = services().post(f"/trs-sync/manual-handling/{item_id}/retry")
    except ServiceError as error:
        if error.code in ("item_not_open", "drift_not_retryable"):
            flash(error.message, "info")
            return redirect(item_url)
        raise
    except ServiceUnavailable:
        flash("TRS is not taking changes just now, so nothing was sent. Try again shortly.", "info")
        return redirect(item_url)
    attempt = answer["attempt"]
    if answer["item"]["state"] == "open":
        flash(f"TRS did not take the change this time: {attempt.get('detail') or attempt['outcome']}. The item is "
              "still open.", "info")
    else:
        flash("The change was sent again and the item is resolved.", "success")
    return redirect(item_url)

