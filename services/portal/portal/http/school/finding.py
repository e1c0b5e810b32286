"""Finding a teacher for a registration: their TRN and date of birth, checked by registrations (against TRS and its
own rules) before any other question. Each refusal has its own page."""
from __future__ import annotations

from datetime import date

from flask import redirect, url_for

from portal.adapters.gateway import ServiceError
from portal.domain import answers as read
from portal.http.base import services
from portal.http.school.pages import Errors

# registrations' refusal codes → the page that explains each
REFUSAL_PAGES = {"teacher_not_found": "not-found", "already_registered_here": "already-registered",
                 "already_mentoring_here": "already-registered", "induction_already_completed": "induction-completed",
                 "prohibited_from_teaching": "prohibited"}


def read_trn_and_date_of_birth(form) -> tuple[str, date]:
    errors, parts = {}, {}
    trn, message = read.trn(form.get("trn"))
    if message:
        errors["trn"] = message
    born, message, wrong = read.date_parts(form, "date_of_birth", "Date of birth")
    if message is None and born >= date.today():
        message, wrong = "Date of birth must be in the past", ["day", "month", "year"]
    elif message is None and born.year < 1900:
        message, wrong = "Date of birth must be after 1900", ["year"]
    if message:
        errors["date_of_birth"] = message
        parts = {"date_of_birth__parts": wrong}
    if errors:
        raise Errors({**errors, **parts})
    return trn, born


def find(run, form, *, check_path: str, refused_endpoint: str, **url_values) -> dict:
    """The teacher registrations may register, or a redirect to the page saying why not."""
    trn, born = read_trn_and_date_of_birth(form)
    question = {"school_id": run.answers["school_id"], "trn": trn, "date_of_birth": born.isoformat()}
    try:
        try:
            teacher = services().post(check_path, question)
        except ServiceError as error:
            if error.code != "registered_elsewhere":
                raise
            # Registered at another school: the teacher may be moving here, which the next question asks.
            teacher = services().post(check_path, {**question, "moving_from_another_school": True})
    except ServiceError as error:
        page = REFUSAL_PAGES.get(error.code)
        if page is None:
            fields = error.field_messages()
            if error.status == 422 and fields:
                shown = {k: v for k, v in fields.items() if k in ("trn", "date_of_birth")} or {"trn": error.message}
                if "date_of_birth" in shown:
                    shown["date_of_birth__parts"] = ["day", "month", "year"]
                raise Errors(shown) from error
            raise Errors({"trn": error.message}) from error
        run.answers["refusal"] = {"trn": trn, "date_of_birth": born.isoformat(), "code": error.code,
                                  "message": error.message, "fields": error.field_messages()}
        return redirect(url_for(refused_endpoint, reason=page, **url_values))
    run.answers.pop("refusal", None)
    found = teacher.get("trn", trn)
    if run.answers.get("trn") != found:  # another teacher: their details must be reviewed, the move asked again
        for key in ("reviewed", "moving"):
            run.answers.pop(key, None)
    return {"trn": found, "date_of_birth": born.isoformat(), "teacher": teacher}


def find_values(run) -> dict:
    if not run.answers.get("trn"):
        return {"value": {}}
    return {"value": {"trn": run.answers["trn"], "date_of_birth": read.date_form_values(run.answers["date_of_birth"])}}
