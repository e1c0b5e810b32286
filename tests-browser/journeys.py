"""Steps of the journeys, as a person takes them in the browser, shared by the tests."""
from __future__ import annotations

from datetime import date

import requests

START = date(2026, 9, 1)
DOB = date(1995, 3, 14)


def seed(system, trn: str, first: str, last: str, *, dob: date = DOB, qts: str | None = "2026-07-15", **more) -> None:
    system.seed_trs({"trn": trn, "firstName": first, "lastName": last, "dateOfBirth": dob.isoformat(), "qtsDate": qts,
                     **more})


def api(system, email: str, school_key: str | None = None) -> dict:
    """Headers for the services, as this person (acting for a school, when they have several)."""
    token = system.sign_in(email)["access_token"]
    if school_key:
        token = requests.post(f"{system.gateway}/accounts/me/acting-organisation", timeout=10,
                              headers={"Authorization": f"Bearer {token}"},
                              json={"organisation_id": system.org(school_key)}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def ects(system, email: str, school_key: str | None = None) -> list[dict]:
    return requests.get(f"{system.gateway}/registrations/ects", timeout=10, headers=api(system, email, school_key)).json()


def find_teacher(user, trn: str, dob: date = DOB) -> None:
    user.fill("Teacher reference number (TRN)", trn)
    user.fill_date("date_of_birth", dob)
    user.press("Continue")


def start_registering_an_ect(user) -> None:
    user.goto("/school/ects")
    user.click("Register an ECT")
    user.expect_h1("Register an early career teacher (ECT)")
    user.press("Continue")


def answer_the_questions(user, email: str, *, started: date = START, part_time=False, provider_led=True,
                         lead_provider="Northern Lights Teaching", appropriate_body="Kingsbridge Teaching School Hub",
                         screenshots: str | None = None) -> None:
    """From "Check the details we hold" to "Check your answers"."""
    user.expect_h1("Check the details we hold")
    if screenshots:
        user.screenshot(f"{screenshots}-review")
    user.press("Confirm and continue")
    user.fill(user.h1, email)
    user.press("Continue")
    user.fill_date("started_on", started)
    user.press("Continue")
    user.choose("Part time" if part_time else "Full time")
    user.press("Continue")
    if "same choices" in user.h1:
        user.choose("No")
        user.press("Continue")
    user.choose(appropriate_body)
    user.press("Continue")
    user.choose("Provider-led" if provider_led else "School-led")
    user.press("Continue")
    if provider_led:
        user.choose(lead_provider)
        user.press("Continue")
    user.expect_h1("Check your answers before registering this ECT")


def register_an_ect(user, trn: str, email: str, *, dob: date = DOB, school: str | None = None,
                    screenshots: str | None = None, **answers) -> None:
    """The whole wizard, answering every question, to the confirmation."""
    start_registering_an_ect(user)
    if school:
        user.expect_h1("Which school are you registering the ECT for?")
        user.choose(school)
        user.press("Continue")
    user.expect_h1("Find an ECT")
    find_teacher(user, trn, dob)
    answer_the_questions(user, email, screenshots=screenshots, **answers)
    if screenshots:
        user.screenshot(f"{screenshots}-check-answers")
    user.press("Confirm details")
    user.expect_h1("ECT registered")
