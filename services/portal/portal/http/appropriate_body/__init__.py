"""The appropriate body frontend, under /appropriate-body: the teachers list (open and closed inductions), a page
per teacher, claiming an ECT, and recording outcomes, extensions and appeals."""
from __future__ import annotations

from flask import Blueprint


def blueprint() -> Blueprint:
    from portal.http.appropriate_body import bulk, claim, outcomes, teachers

    bp = Blueprint("appropriate_body", __name__, url_prefix="/appropriate-body")
    for module in (teachers, claim, outcomes, bulk):
        module.register(bp)
    return bp
