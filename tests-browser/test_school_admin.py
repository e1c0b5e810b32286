"""The school's users (invite, accept, sign in; roles; the last approver) and its contacts for lead providers."""
import re
import uuid

import requests

from journeys import api
from system import eventually, stack

NS = uuid.UUID("9b8f0c7e-3c1a-4a8e-9d51-6f1f3f8b2a10")  # accounts.demo's namespace for the demo ids


def dsi(system) -> str:
    return f"http://127.0.0.1:{system.cfg.port(stack.DSI_STANDIN_OFFSET)}"


def test_an_approver_invites_someone_who_accepts_and_signs_in(people, system):
    alice = people("alice@oakfield.example")
    alice.click("School users")
    alice.expect_h1("School users")
    alice.screenshot("school-users")
    alice.click("Invite a user")
    alice.press("Continue")
    assert alice.errors() == {"Enter the email address": "#email"}
    alice.fill(alice.h1, "nina@oakfield.example")
    alice.press("Continue")
    alice.choose("User")
    alice.press("Continue")
    alice.expect_h1("Check the invitation before sending it")
    alice.press("Send invitation")
    alice.expect_h1("Invitation sent")
    sent_page = alice.page.content()
    alice.click("Go to your school's users")
    assert alice.sees("nina@oakfield.example")

    email = eventually(lambda: next((e for e in system.emails() if e["email_address"] == "nina@oakfield.example"), None),
                       timeout=30)
    link = re.search(r"https?://\S+/invitations/[\w-]+", email["body"]).group(0)
    assert link.rsplit("/", 1)[1] not in sent_page + alice.page.content()  # the inviter never sees the link
    nina = people()
    nina.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), ""))
    nina.expect_h1("Join Oakfield Primary School")
    nina.press("Accept invitation")
    assert nina.errors() == {"Enter your first name": "#first_name", "Enter your last name": "#last_name"}
    nina.fill("First name", "Nina")
    nina.fill("Last name", "Newcomer")
    nina.press("Accept invitation")
    nina.expect_h1("Invitation accepted")
    # DfE Sign-in knows her (an approver there gave her access); she signs in with it and lands at her school.
    requests.post(f"{dsi(system)}/_test/users", timeout=5, json={
        "email": "nina@oakfield.example", "given_name": "Nina", "family_name": "Newcomer",
        "organisations": [{"id": str(uuid.uuid5(NS, "dsi-org:school-1")), "roles": ["SchoolUser"]}]}).raise_for_status()
    nina.click("Sign in")
    nina.page.select_option("#email", "nina@oakfield.example")
    nina.page.get_by_role("button", name="Sign in").click()
    nina.page.wait_for_load_state()
    nina.check()
    nina.expect_h1("Early career teachers")
    assert nina.page.get_by_test_id("organisation-name").inner_text() == "Oakfield Primary School"
    nina.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), ""))
    nina.expect_h1("This invitation has already been used")


def test_the_last_approver_cannot_be_removed_or_demoted(people, system):
    alice = people("alice@oakfield.example")
    alice.click("School users")
    alice.page.get_by_role("link", name="Remove Alice Approver").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.expect_h1("Are you sure you want to remove Alice Approver?")
    alice.press("Remove user")
    assert alice.errors() == {"You cannot remove the only approver at your school. Make someone else an approver first.":
                              "#remove"}
    alice.click("School users")
    alice.page.get_by_role("link", name="Change role of Alice Approver").click()
    alice.page.wait_for_load_state()
    alice.check()
    alice.choose("User")
    alice.press("Save role")
    assert list(alice.errors()) and alice.sees("approver")
    members = requests.get(f"{system.gateway}/accounts/organisations/{system.org('school-1')}/members", timeout=10,
                           headers=api(system, "alice@oakfield.example")).json()
    assert next(m for m in members if m["email"] == "alice@oakfield.example")["role"] == "approver"


def test_an_end_user_sees_the_users_but_cannot_manage_them(people):
    bob = people("bob@oakfield.example")
    bob.click("School users")
    assert bob.sees("alice@oakfield.example")
    assert bob.page.get_by_role("link", name="Invite a user").count() == 0
    bob.goto("/school/users/invite")
    bob.expect_h1("You cannot do this")


def test_a_named_induction_tutor_is_what_the_lead_provider_then_sees(people, system):
    alice = people("alice@oakfield.example")
    alice.click("Contacts")
    for _ in alice.page.get_by_role("button", name=re.compile(r"^Remove .* as an induction tutor$")).all():
        alice.page.get_by_role("button", name=re.compile(r"^Remove .* as an induction tutor$")).first.click()
        alice.page.wait_for_load_state()
        alice.check()
    alice.click("Name an induction tutor")
    alice.press("Save induction tutor")
    assert alice.errors() == {"Enter the induction tutor's full name": "#name",
                              "Enter the induction tutor's email address": "#email"}
    alice.fill("Full name", "Tess Tutor")
    alice.fill("Email address", "tess@oakfield.example")
    alice.press("Save induction tutor")
    alice.expect_text("Tess Tutor is now an induction tutor")
    assert alice.page.get_by_test_id("tutor-email").inner_text().endswith("tess@oakfield.example")
    alice.screenshot("contacts")
    system.partner("school-1", 2026)
    lead_provider = {"Authorization": f"Bearer {system.lp_token('Northern Lights Teaching')}"}

    def partnership():
        found = requests.get(f"{system.gateway}/api/v3/partnerships/ecf", headers=lead_provider, timeout=10).json()["data"]
        mine = [p["attributes"] for p in found if p["attributes"]["school_id"] == system.org("school-1")]
        return mine and mine[0]["induction_tutor_email"] == "tess@oakfield.example" and mine[0]
    seen = eventually(partnership, timeout=30)
    assert seen["induction_tutor_name"] == "Tess Tutor"
    shown = alice.page.get_by_test_id("school-contacts").inner_text()
    assert all(c["email"] in shown for c in seen["school_contacts"])
