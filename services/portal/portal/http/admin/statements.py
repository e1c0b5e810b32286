"""Lead providers' output statements for DfE finance: every statement by payment date, filtered by status and
cohort, a statement's page with the declarations it pays and claws back, and marking it paid once its cut-off has
passed (lp-api decides; only staff whose role allows managing finance may, and it is audited there)."""
from __future__ import annotations

from flask import abort, request, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.http.admin.common import staff_only
from portal.http.appropriate_body.outcomes import Refused, once_token, send_once
from portal.http.base import current_context, render, services

STATUSES = {"open": "Open", "payable": "Payable", "paid": "Paid"}
STATUS_COLOURS = {"open": "grey", "payable": "blue", "paid": "green"}
FINANCE_ROLES = ("admin", "finance")  # the staff roles lp-api lets manage finance
DECLARATION_STATES = {"eligible": "Eligible", "payable": "Payable", "paid": "Paid", "voided": "Voided",
                      "awaiting_clawback": "Awaiting clawback", "clawed_back": "Clawed back"}
PAGE = 100


def register(bp) -> None:
    bp.add_url_rule("/statements", "statements", staff_only(statements))
    bp.add_url_rule("/statements/<uuid:statement_id>", "statement", staff_only(statement), methods=["GET", "POST"])


def statements():
    status = request.args.get("status") or None
    cohort_text = read.clean(request.args.get("cohort"), 10)
    errors, params = {}, {"limit": PAGE}
    if status is not None and status not in STATUSES:
        status = None
    if status:
        params["status"] = status
    if cohort_text:
        if not (cohort_text.isdigit() and 2020 <= int(cohort_text) <= 2100):
            errors["cohort"] = "Enter a cohort as a year, like 2025"
        else:
            params["cohort"] = int(cohort_text)
    found = [] if errors else services().get("/lp-api/finance/statements", **params)
    return render("admin/statements.html", status=422 if errors else 200, errors=errors, statements=found,
                  chosen_status=status, cohort=cohort_text, statuses=STATUSES, colours=STATUS_COLOURS,
                  more=len(found) == PAGE)


def _statement(statement_id) -> dict:
    try:
        return services().get(f"/lp-api/finance/statements/{statement_id}")
    except ServiceError as error:
        if error.status == 404:
            abort(404)
        raise


def statement(statement_id):
    found = _statement(statement_id)
    back = url_for("admin.statements")
    here = url_for("admin.statement", statement_id=statement_id)
    may_pay = current_context().staff_role in FINANCE_ROLES
    values = {"statement": found, "statuses": STATUSES, "colours": STATUS_COLOURS, "states": DECLARATION_STATES,
              "may_pay": may_pay, "back_link": back, "once": request.form.get("once_token") or once_token()}
    if request.method == "GET":
        return render("admin/statement.html", **values)
    if not may_pay:
        return render("errors/forbidden.html", status=403, message="Only DfE finance staff can mark statements paid.")
    if request.form.get("confirm") != "yes":
        return render("admin/statement.html", status=422, errors={"confirm": "Confirm that the statement has been paid"},
                      **values)
    title = f"{found['lead_provider_name']}'s {found['month']} {found['year']} statement"
    try:
        return send_once({"trn": ""}, f"/lp-api/finance/statements/{statement_id}/paid", {}, {"confirm": "confirm"},
                         f"{title} has been marked paid", back_url=here)
    except Refused as refused:
        return render("admin/statement.html", status=422, errors=refused.errors, **values)
