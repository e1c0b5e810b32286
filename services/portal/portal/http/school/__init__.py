"""The school frontend, under /school: lists and pages of ECTs and mentors, the registration wizards, changes,
bulk uploads, the school's users and its contacts for lead providers."""
from __future__ import annotations

from flask import Blueprint


def blueprint() -> Blueprint:
    from portal.http.school import (assign_mentor, bulk, changes, contacts, lists, register_ect, register_mentor,
                                    teachers, users)

    bp = Blueprint("school", __name__, url_prefix="/school")
    for module in (lists, teachers, register_ect, register_mentor, assign_mentor, changes, bulk, users, contacts):
        module.register(bp)
    return bp
