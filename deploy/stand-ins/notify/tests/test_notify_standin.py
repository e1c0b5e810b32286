"""The Notify stand-in, exercised through GOV.UK Notify's own Python client (notifications-python-client) on a real
HTTP server, so what the services' sender sees is what the client makes of the stand-in's answers."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError
from werkzeug.serving import make_server

try:
    from notify_standin.app import create_app
except ImportError:  # not installed: use it from the work tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from notify_standin.app import create_app

SERVICE = "11111111-2222-4333-8444-555555555555"
SECRET = "66666666-7777-4888-9999-000000000000"
LIVE_KEY = f"my-key-name-{SERVICE}-{SECRET}"  # a key name may hold hyphens
TEST_KEY = f"tests-{SERVICE}-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
OTHER_SERVICE = "99999999-8888-4777-8666-555555555555"
OTHER_KEY = f"other-{OTHER_SERVICE}-12121212-3434-4565-8787-909090909090"
INVITATION = "9e16c8f5-32e2-4c8b-8cd8-c3b9ca69019e"
BULK = "7fbdff3a-8c93-40e2-9cb2-1e71b5bf5e47"
INVITED = {"organisation_name": "Oakfield Primary", "inviter_name": "Alice Approver", "role": "an approver",
           "expires_on": "9 December 2026", "accept_url": "http://127.0.0.1:8080/invitations/tok-123"}


@pytest.fixture(scope="module")
def server():
    app = create_app({"api_keys": [LIVE_KEY, OTHER_KEY], "test_api_keys": [TEST_KEY], "rate_limit": 1000})
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture
def url(server):
    app, url = server
    requests.post(f"{url}/_test/reset", timeout=5).raise_for_status()
    return url


@pytest.fixture
def notify(url):
    return NotificationsAPIClient(LIVE_KEY, base_url=url, timeout=5)


def refusal(call) -> tuple[int, list[dict]]:
    with pytest.raises(HTTPError) as raised:
        call()
    return raised.value.status_code, raised.value.message


def invite(notify, to="new.teacher@oakfield.example", **personalisation):
    return notify.send_email_notification(to, INVITATION, personalisation={**INVITED, **personalisation},
                                          reference="invitation-1")


def received(url, **query) -> list[dict]:
    return requests.get(f"{url}/_test/emails", params=query, timeout=5).json()["emails"]


def raw_post(url, token=None, body=None, *, headers=None):
    headers = dict(headers or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(f"{url}/v2/notifications/email", json=body or {}, headers=headers, timeout=5)


def token(secret=SECRET, **claims) -> str:
    return jwt.encode({"iss": SERVICE, "iat": int(time.time()), **claims}, secret, algorithm="HS256")


# --- sending ---------------------------------------------------------------------------------------------------

def test_an_email_is_accepted_with_notifys_response_and_the_template_rendered(url, notify):
    sent = invite(notify)
    assert uuid.UUID(sent["id"]) and sent["reference"] == "invitation-1"
    assert sent["uri"] == f"{url}/v2/notifications/{sent['id']}"
    assert sent["template"] == {"id": INVITATION, "version": 1,
                                "uri": f"{url}/services/{SERVICE}/templates/{INVITATION}"}
    content = sent["content"]
    assert content["subject"] == "You have been invited to join Oakfield Primary on Register early career teachers"
    assert "Alice Approver has invited you to join Oakfield Primary" in content["body"]
    assert "http://127.0.0.1:8080/invitations/tok-123" in content["body"]
    assert "expires on 9 December 2026" in content["body"] and "((" not in content["body"]
    assert content["from_email"].endswith("@notifications.service.gov.uk")

    [email] = received(url)
    assert email["email_address"] == "new.teacher@oakfield.example" and email["id"] == sent["id"]
    assert email["template"] == {"id": INVITATION, "name": "invitation", "version": 1}
    assert email["personalisation"]["accept_url"].endswith("/tok-123") and email["body"] == content["body"]


def test_a_sent_email_can_be_read_back_and_listed_by_reference_and_status(url, notify):
    first = invite(notify)
    second = notify.send_email_notification("b@oakfield.example", INVITATION, personalisation=INVITED,
                                            reference="invitation-2")
    read = notify.get_notification_by_id(first["id"])
    assert (read["id"], read["type"], read["email_address"], read["reference"]) == (
        first["id"], "email", "new.teacher@oakfield.example", "invitation-1")
    assert read["status"] == "delivered" and read["subject"] == first["content"]["subject"]
    assert read["template"]["id"] == INVITATION and read["created_at"].endswith("Z")

    assert [n["id"] for n in notify.get_all_notifications()["notifications"]] == [second["id"], first["id"]]
    assert [n["id"] for n in notify.get_all_notifications(reference="invitation-2")["notifications"]] == [second["id"]]
    assert notify.get_all_notifications(status="delivered")["notifications"]
    assert notify.get_all_notifications(status="permanent-failure")["notifications"] == []
    assert [n["id"] for n in notify.get_all_notifications_iterator()] == [second["id"], first["id"]]


def test_notifications_are_seen_only_by_their_service_and_listed_only_for_the_key_type(url, notify):
    sent = invite(notify)
    other = NotificationsAPIClient(OTHER_KEY, base_url=url)
    assert refusal(lambda: other.get_notification_by_id(sent["id"])) == (
        404, [{"error": "NoResultFound", "message": "No result found"}])
    assert other.get_all_notifications()["notifications"] == []
    test_key = NotificationsAPIClient(TEST_KEY, base_url=url)
    assert test_key.get_all_notifications()["notifications"] == []
    assert test_key.get_notification_by_id(sent["id"])["id"] == sent["id"]  # by id: any key of the service


def test_an_unknown_or_malformed_notification_id(notify):
    assert refusal(lambda: notify.get_notification_by_id(str(uuid.uuid4()))) == (
        404, [{"error": "NoResultFound", "message": "No result found"}])
    assert refusal(lambda: notify.get_notification_by_id("not-a-uuid")) == (
        400, [{"error": "ValidationError", "message": "notification_id is not a valid UUID"}])
    assert refusal(lambda: notify.get_all_notifications(status="lost")) == (
        400, [{"error": "ValidationError", "message": "status lost is not one of [cancelled, created, sending, sent, "
               "delivered, pending, failed, technical-failure, temporary-failure, permanent-failure, "
               "pending-virus-check, validation-failed, virus-scan-failed, returned-letter, accepted, received]"}])


# --- Notify's refusals -----------------------------------------------------------------------------------------

def test_an_unknown_template_is_a_bad_request(url, notify):
    assert refusal(lambda: notify.send_email_notification("a@oakfield.example", str(uuid.uuid4()))) == (
        400, [{"error": "BadRequestError", "message": "Template not found"}])
    assert received(url) == []


def test_missing_personalisation_is_named(url, notify):
    status, errors = refusal(lambda: notify.send_email_notification(
        "a@oakfield.example", INVITATION, personalisation={"organisation_name": "Oak", "inviter_name": None}))
    assert (status, errors) == (400, [{"error": "BadRequestError",
                                       "message": "Missing personalisation: inviter_name, role, accept_url, expires_on"}])
    assert received(url) == []


def test_an_invalid_email_address_and_schema_errors_are_validation_errors(url, notify):
    for address in ("not-an-email", "two@@example.com", "a@localhost", "a..b@example.com", "a@example.c0m"):
        assert refusal(lambda address=address: notify.send_email_notification(address, INVITATION, personalisation=INVITED)) == (
            400, [{"error": "ValidationError", "message": "email_address Not a valid email address"}]), address
    assert refusal(lambda: notify.send_email_notification("a@oakfield.example", "nope")) == (
        400, [{"error": "ValidationError", "message": "template_id is not a valid UUID"}])
    live = token()
    missing = raw_post(url, live, {"template_id": INVITATION})
    assert missing.status_code == 400 and missing.json() == {"status_code": 400, "errors": [
        {"error": "ValidationError", "message": "email_address is a required property"}]}
    extra = raw_post(url, token(), {"email_address": "a@oakfield.example", "template_id": INVITATION, "colour": "red"})
    assert extra.json()["errors"] == [{"error": "ValidationError",
                                       "message": "Additional properties are not allowed (colour was unexpected)"}]
    not_object = raw_post(url, token(), {"email_address": "a@oakfield.example", "template_id": INVITATION,
                                         "personalisation": "x"})
    assert not_object.json()["errors"] == [{"error": "ValidationError", "message": "personalisation x is not of type object"}]
    garbage = requests.post(f"{url}/v2/notifications/email", data="{not json", timeout=5,
                            headers={"Authorization": f"Bearer {token()}", "Content-Type": "application/json"})
    assert garbage.status_code == 400 and garbage.json()["errors"] == [
        {"error": "BadRequestError", "message": "Invalid JSON supplied in POST data"}]
    assert received(url) == []


# --- authentication --------------------------------------------------------------------------------------------

def test_the_client_derives_service_id_and_secret_from_one_key_string(url):
    client = NotificationsAPIClient(LIVE_KEY, base_url=url)
    assert (client.service_id, client.api_key) == (SERVICE, SECRET)
    assert client.send_email_notification("a@oakfield.example", INVITATION, personalisation=INVITED)["id"]


def test_requests_without_a_bearer_token_are_401(url):
    assert raw_post(url).json() == {"status_code": 401, "errors": [
        {"error": "AuthError", "message": "Unauthorized: authentication token must be provided"}]}
    basic = raw_post(url, headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401 and basic.json()["errors"][0]["message"] == (
        "Unauthorized: authentication bearer scheme must be used")


@pytest.mark.filterwarnings("ignore:The HMAC key")  # the HS512 case signs with the 36-byte secret
@pytest.mark.parametrize("bad, message", [
    (lambda: token(secret="ffffffff-ffff-4fff-8fff-ffffffffffff"), "Invalid token: API key not found"),
    (lambda: jwt.encode({"iss": SERVICE}, SECRET, algorithm="HS256"), "Invalid token: API key not found"),
    (lambda: token(iat=int(time.time()) - 31), "Error: Your system clock must be accurate to within 30 seconds"),
    (lambda: token(iat=int(time.time()) + 40), "Error: Your system clock must be accurate to within 30 seconds"),
    (lambda: jwt.encode({"iss": SERVICE, "iat": int(time.time())}, SECRET, algorithm="HS512"),
     "Invalid token: algorithm used is not HS256"),
    (lambda: token(iss=OTHER_SERVICE.replace("9", "7")), "Invalid token: service not found"),
    (lambda: token(iss="not-a-service-id"), "Invalid token: service id is not the right data type"),
    (lambda: jwt.encode({"iat": int(time.time())}, SECRET, algorithm="HS256"), "Invalid token: iss field not provided"),
    (lambda: "not.a.jwt", "Invalid token: make sure your API token matches the example at "
                          "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"),
])
def test_a_token_notify_would_refuse_is_403_with_its_message(url, bad, message):
    response = raw_post(url, bad(), {"email_address": "a@oakfield.example", "template_id": INVITATION})
    assert response.status_code == 403
    assert response.json() == {"status_code": 403, "errors": [{"error": "AuthError", "message": message}]}
    assert received(url) == []


def test_the_client_sees_an_auth_refusal_as_a_403(url):
    wrong = NotificationsAPIClient(f"name-{SERVICE}-{uuid.uuid4()}", base_url=url)
    assert refusal(lambda: wrong.send_email_notification("a@oakfield.example", INVITATION)) == (
        403, [{"error": "AuthError", "message": "Invalid token: API key not found"}])


# --- rate limit ------------------------------------------------------------------------------------------------

def test_sends_beyond_the_rate_limit_are_429_per_key_type_until_the_window_rolls_on(server, url, notify):
    app, _ = server
    now = [1000.0]
    limiter = app.extensions["notify_standin"].rate_limiter
    limiter._clock = lambda: now[0]
    requests.post(f"{url}/_test/rate-limit", json={"limit": 5, "interval_seconds": 60}, timeout=5).raise_for_status()
    try:
        for _ in range(5):
            invite(notify)
        assert refusal(lambda: invite(notify)) == (429, [{
            "error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE of 5 requests per 60 seconds"}])
        assert notify.get_all_notifications()["notifications"]  # reading is not rate limited
        test_key = NotificationsAPIClient(TEST_KEY, base_url=url)
        assert invite(test_key)["id"]  # another key type counts on its own
        now[0] += 59.9
        assert refusal(lambda: invite(notify))[0] == 429
        now[0] += 0.2  # the first sends are now more than a minute old
        assert invite(notify)["id"]
    finally:
        limiter._clock = time.monotonic
    assert len(received(url)) == 7


def test_the_rate_limit_defaults_to_notifys_and_a_hook_changes_it(url, notify):
    from notify_standin.settings import Settings

    assert (Settings.from_env({}).rate_limit, Settings.from_env({}).rate_limit_interval_seconds) == (3000, 60)
    assert Settings.from_env({"NOTIFY_STANDIN_RATE_LIMIT": "7"}).rate_limit == 7
    assert requests.post(f"{url}/_test/rate-limit", json={"limit": 1, "interval_seconds": 30}, timeout=5).ok
    invite(notify)
    assert refusal(lambda: invite(notify))[1][0]["message"] == (
        "Exceeded rate limit for key type LIVE of 1 requests per 30 seconds")
    assert requests.post(f"{url}/_test/rate-limit", json={"limit": 0}, timeout=5).status_code == 400


# --- faults ----------------------------------------------------------------------------------------------------

def test_queued_faults_answer_the_next_requests_then_notify_is_back(url, notify):
    requests.post(f"{url}/_test/faults", json=[{"mode": "500", "count": 2}, {"mode": "429"}], timeout=5).raise_for_status()
    assert refusal(lambda: invite(notify)) == (500, [{"error": "Exception", "message": "Internal server error"}])
    assert refusal(lambda: invite(notify))[0] == 500
    assert refusal(lambda: invite(notify)) == (429, [{
        "error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE of 1000 requests per 60 seconds"}])
    assert invite(notify)["id"]
    assert len(received(url)) == 1


def test_a_timeout_fault_holds_the_request_and_does_nothing(url, notify):
    requests.post(f"{url}/_test/faults", json={"mode": "timeout", "seconds": 0.5}, timeout=5).raise_for_status()
    quick = NotificationsAPIClient(LIVE_KEY, base_url=url, timeout=0.2)
    status, _ = refusal(lambda: invite(quick))
    assert status == 503  # the client's word for "no answer"
    time.sleep(0.5)
    assert received(url) == []


def test_a_slow_fault_answers_late_but_sends(url, notify):
    requests.post(f"{url}/_test/faults", json={"mode": "slow", "seconds": 0.3, "requests": "send"},
                  timeout=5).raise_for_status()
    started = time.monotonic()
    assert invite(notify)["id"] and time.monotonic() - started >= 0.3
    assert len(received(url)) == 1


def test_faults_can_aim_at_reads_only(url, notify):
    requests.post(f"{url}/_test/faults", json={"mode": "500", "requests": "get"}, timeout=5).raise_for_status()
    sent = invite(notify)
    assert refusal(lambda: notify.get_notification_by_id(sent["id"]))[0] == 500
    assert notify.get_notification_by_id(sent["id"])["id"] == sent["id"]


def test_a_bad_fault_is_refused(url):
    for bad in ({"mode": "explode"}, {"mode": "500", "count": 0}, {"mode": "500", "requests": "put"}, "x"):
        assert requests.post(f"{url}/_test/faults", json=bad, timeout=5).status_code == 400
    assert requests.get(f"{url}/_test/faults", timeout=5).json() == {"faults": []}


# --- rendering -------------------------------------------------------------------------------------------------

def test_lists_become_bullets_and_keys_match_as_notify_matches_them(url, notify):
    sent = notify.send_email_notification("a@oakfield.example", BULK, personalisation={
        "Registered": "2 ECTs", "school-name": "Oakfield", "TEACHERS": ["Grace Hopper: http://x/1", "Alan Turing: http://x/2"]})
    assert sent["content"]["subject"] == "2 ECTs registered at Oakfield"
    assert "• Grace Hopper: http://x/1\n• Alan Turing: http://x/2" in sent["content"]["body"]


def test_conditional_text_markdown_links_and_headings(tmp_path):
    from notify_standin import templates

    path = tmp_path / "t.json"
    path.write_text('{"templates": [{"id": "1", "name": "t", "subject": "Hi  ((name))", '
                    '"body": "# Welcome\\n((vip??You are a VIP.))\\n[Sign in](https://x.example/in)\\n- one"}]}')
    template = templates.load(str(path))["1"]
    assert template.render({"name": "Ada", "vip": "yes"}) == (
        "Hi Ada", "Welcome\nYou are a VIP.\nSign in: https://x.example/in\n• one\n")
    assert template.render({"name": "Ada", "vip": "no"})[1] == "Welcome\n\nSign in: https://x.example/in\n• one\n"


# --- the page of emails and the test hooks ---------------------------------------------------------------------

def test_the_page_lists_emails_newest_first_with_clickable_links_and_escapes_them(url, notify):
    invite(notify, to="first@oakfield.example")
    invite(notify, to="second@oakfield.example", inviter_name="<script>alert(1)</script>")
    page = requests.get(f"{url}/", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert html.count("<h1") == 1 and '<label for="to">' in html and 'id="to"' in html
    assert html.index("second@oakfield.example") < html.index("first@oakfield.example")
    assert '<a href="http://127.0.0.1:8080/invitations/tok-123">' in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    only_first = requests.get(f"{url}/", params={"to": "first@"}, timeout=5).text
    assert "first@oakfield.example" in only_first and "second@oakfield.example" not in only_first


def test_the_emails_hook_filters_and_reset_forgets_everything(url, notify):
    invite(notify, to="a@oakfield.example")
    notify.send_email_notification("b@oakfield.example", INVITATION, personalisation=INVITED, reference="other")
    assert [e["email_address"] for e in received(url, email_address="A@oakfield.example")] == ["a@oakfield.example"]
    assert [e["reference"] for e in received(url, reference="other")] == ["other"]
    assert len(received(url, template="invitation")) == 2 and received(url, template=BULK) == []
    requests.post(f"{url}/_test/faults", json={"mode": "500"}, timeout=5)
    assert requests.post(f"{url}/_test/reset", timeout=5).ok
    assert received(url) == [] and invite(notify)["id"]


def test_test_hooks_can_be_turned_off():
    client = create_app({"api_keys": [LIVE_KEY], "test_hooks": False}).test_client()
    assert client.get("/_test/emails").status_code == 404
    assert client.post("/_test/reset").status_code == 404
    assert client.get("/").status_code == 200 and client.get("/_status").json == {"status": "ok"}


def test_a_malformed_api_key_in_the_settings_stops_the_start():
    with pytest.raises(ValueError):
        create_app({"api_keys": ["not-a-notify-key"]})
