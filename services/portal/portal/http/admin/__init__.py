"""The DfE admin console, under /admin, for DfE staff only (anyone else gets the 403 page, and no service is asked
anything for them): find a teacher (their timeline across the services) or a school, act for an organisation with
a reason, the manual-handling queues of inductions and trs-sync in one list, the edit rules with a "try a change"
form, reopening an induction, recording an exemption and an appeal's decision, lead providers' statements (DfE
finance marks them paid), and the scenario settings of local and test runs. Every
change is made, and audited, by the service that owns it."""
from __future__ import annotations

from flask import Blueprint


def blueprint() -> Blueprint:
    from portal.http.admin import acting, home, manual, rules, scenarios, statements, teachers

    bp = Blueprint("admin", __name__, url_prefix="/admin")
    for module in (home, teachers, acting, manual, rules, statements, scenarios):
        module.register(bp)
    return bp
