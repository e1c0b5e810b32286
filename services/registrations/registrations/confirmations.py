"""The confirmation emails a school user gets after registering teachers, queued in the registration's own
transaction (sent by the worker through GOV.UK Notify): one for an ECT or mentor registered on their own, one
summary for a CSV upload. Each links to the teacher's page on the portal."""
from __future__ import annotations

from ecf_shared.auth.actor import Principal
from ecf_shared.emails.outbox import long_date, queue_email
from ecf_shared.emails.settings import EmailSettings
from registrations.domain.model import SchoolCopy

# participant type: (template of one registration, the portal's path, the word for one, for several)
KINDS = {"ect": ("ect_registered", "school/ects", "ECT", "ECTs"),
         "mentor": ("mentor_registered", "school/mentors", "mentor", "mentors")}


def _name(view: dict) -> str:
    return f"{view['first_name']} {view['last_name']}"


def _link(settings: EmailSettings, kind: str, view: dict) -> str:
    return settings.portal_link(f"{KINDS[kind][1]}/{view['id']}")


def confirm_registration(uow, settings: EmailSettings, principal: Principal, school: SchoolCopy, kind: str,
                         view: dict) -> None:
    """`view` is the registration as the API answers it."""
    if not principal.email:
        return
    template = KINDS[kind][0]
    queue_email(uow, template=template, to=principal.email, reference=f"{template}-{view['id']}", personalisation={
        "teacher_name": _name(view), "school_name": school.name, "started_on": long_date(view["started_on"]),
        "link": _link(settings, kind, view)})


def confirm_bulk_registration(uow, settings: EmailSettings, principal: Principal, school: SchoolCopy, kind: str,
                              views: list[dict]) -> None:
    """One email listing everyone a CSV file registered, each with the link to their page."""
    if not principal.email or not views:
        return
    _, _, one, several = KINDS[kind]
    queue_email(uow, template="bulk_registered", to=principal.email, reference=f"bulk_registered-{views[0]['id']}",
                personalisation={
                    "registered": f"{len(views)} {one if len(views) == 1 else several}", "school_name": school.name,
                    "teachers": [f"{_name(v)}: {_link(settings, kind, v)}" for v in views]})
