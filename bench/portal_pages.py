"""The portal through the gateway at 8 concurrent users, each in their own signed-in cookie session: a school's ECT
list (500 ECTs, 25 a page), an ECT's page, a step of the register-an-ECT wizard (POST find-ect), and an appropriate
body's teachers list with 5,000 inductions (open ones, 25 a page; loaded with the in-flight import, which is the
fastest way to give one appropriate body that many).

    .venv/bin/python bench/bench.py --only portal

Measured with wrk like the other request-rate rows. wrk can do the CSRF form: a Lua script gives each of 8 threads
(one connection each) its own session cookie and, for the POST, its own form body with the run_id and csrf_token read
once from that session's step page (flask-wtf's token lasts as long as the session, and posting find-ect again is
idempotent, so the same body can be replayed). The script checks every answer (the pages 200, the POST a 302 to the
step after find-ect: a redirect to sign in or to "start again" would otherwise pass as a 3xx) and counts the rest.

Then one request of each kind is timed in the benchmark's own process (the portal's Flask app, calling the same
gateway) to show where a page's time goes: each service call, the session and tokens in PostgreSQL, rendering.
"""
from __future__ import annotations

import csv
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

from harness import seed_teachers, wrk
from system import eventually

ECTS = 500
USERS = 8
PERSONAS = ("alice@oakfield.example", "bob@oakfield.example", "carol@oakfield.example")  # Oakfield's users
DATE_OF_BIRTH = "1990-01-01"
LIST = "portal: GET /school/ects?page=N (500 ECTs)"
ECT_PAGE = "portal: GET /school/ects/{id}"
WIZARD_POST = "portal: POST /school/register-ect/find-ect"
INDUCTIONS = 5000
AB_PERSONA = "abby@kingsbridge.example"  # Kingsbridge (ab-1) only
AB_LIST = f"portal: GET /appropriate-body/teachers?page=N ({INDUCTIONS:,} inductions)"
# Of the hello ceiling's req/s (the speed issue's portal target; the appropriate body list is held to the same one).
TARGETS = {LIST: 0.20, ECT_PAGE: 0.20, WIZARD_POST: None, AB_LIST: 0.20}
COOKIE = "ecf_portal_session"


def measure(system, seconds: int) -> dict:
    """Seed the school, sign the users in, drive each request for `seconds` with 8 clients, then time one of each."""
    ect_ids = seed_school(system, [f"64{n:05d}" for n in range(ECTS)])
    wizard_trns = [f"65{n:05d}" for n in range(USERS)]  # in TRS, registered nowhere: the check answers "eligible"
    seed_teachers(system, wizard_trns, dob=DATE_OF_BIRTH)
    users = [sign_in(system, PERSONAS[i % len(PERSONAS)]) for i in range(USERS)]
    forms = [find_ect_form(system, user, trn) for user, trn in zip(users, wizard_trns, strict=False)]
    [next_step] = {form["next"] for form in forms}
    cookies = [user.cookies[COOKIE] for user in users]
    g = system.gateway
    rows = {
        LIST: drive(g, cookies, seconds, paths=[f"/school/ects?page={p}" for p in range(1, ECTS // 25 + 1)]),
        ECT_PAGE: drive(g, cookies, seconds, paths=[f"/school/ects/{i}" for i in ect_ids]),
    }
    trs_before = trs_lookups(system)
    rows[WIZARD_POST] = drive(g, cookies, seconds, paths=["/school/register-ect/find-ect"],
                              bodies=[form["body"] for form in forms], status=302, location=next_step)
    rows[WIZARD_POST]["trs_standin_lookups"] = trs_lookups(system) - trs_before
    seed_appropriate_body(system, [f"66{n:05d}" for n in range(INDUCTIONS)])
    ab_cookies = [sign_in(system, AB_PERSONA).cookies[COOKIE] for _ in range(USERS)]
    rows[AB_LIST] = drive(g, ab_cookies, seconds,
                          paths=[f"/appropriate-body/teachers?page={p}" for p in range(1, INDUCTIONS // 25 + 1)])
    return {"users": USERS, "personas": sorted({*PERSONAS, AB_PERSONA}), "ects_at_school": ECTS,
            "inductions_at_appropriate_body": INDUCTIONS, "rows": rows,
            "where_time_goes": where_time_goes(system, users[0], ect_ids[0], forms[0], wizard_trns[0])}


def with_ceiling(portal: dict, ceiling: dict) -> dict:
    """Each row's req/s over the hello ceiling's in the same run, against its target."""
    for name, row in portal["rows"].items():
        row["ratio_to_ceiling"] = round(row["requests_per_second"] / ceiling["requests_per_second"], 3)
        row["target"] = TARGETS[name]
        row["holds"] = None if TARGETS[name] is None else row["ratio_to_ceiling"] >= TARGETS[name]
    portal["ceiling_requests_per_second"] = ceiling["requests_per_second"]
    return portal


def targets(portal: dict) -> list[dict]:
    return [{"name": f"{name}: req/s over the hello ceiling's", "value": row["ratio_to_ceiling"],
             "target": row["target"], "holds": row["holds"]}
            for name, row in portal["rows"].items() if row["target"] is not None]


# --- the school and its users ---------------------------------------------------------------------------------------

def seed_school(system, trns: list[str]) -> list[str]:
    """`trns` registered at Oakfield in one CSV upload (with an appropriate body, so each has an induction); waits until
    inductions has them all, so the events are not still being consumed while pages are measured."""
    school = system.org("school-1")
    seed_teachers(system, trns, dob=DATE_OF_BIRTH)
    system.wait_for_demo_organisations()
    headers = {"Authorization": f"Bearer {system.sign_in('alice@oakfield.example')['access_token']}"}
    choices = requests.get(f"{system.gateway}/registrations/schools/{school}/choices", headers=headers, timeout=10)
    choices.raise_for_status()
    appropriate_body = choices.json()["appropriate_bodies"][0]["id"]
    csv = ["trn,date_of_birth,started_on,email,working_pattern,appropriate_body_id,training_programme,cohort"]
    csv += [f"{t},{DATE_OF_BIRTH},2026-09-01,{t}@oakfield.example,full_time,{appropriate_body},school_led,2026"
            for t in trns]
    answer = requests.post(f"{system.gateway}/registrations/ects/bulk", data="\n".join(csv).encode(), timeout=300,
                           headers={**headers, "Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text[:2000]

    def inductions_has_them():
        r = requests.get(f"{system.gateway}/inductions/schools/ects", headers=headers, timeout=10,
                         params={"school_id": school, "page_size": 1})
        return r.status_code == 200 and json.loads(r.headers.get("X-Pagination", "{}")).get("total", 0) >= len(trns)

    eventually(inductions_has_them, timeout=180, interval=1)
    return [ect["id"] for ect in answer.json()]


def seed_appropriate_body(system, trns: list[str]) -> None:
    """`trns` in TRS with an induction in progress, imported as Kingsbridge's open inductions by the in-flight import
    (TRS already holds each status, so nothing is sent back to it); waits until the list counts them all."""
    for i in range(0, len(trns), 1000):
        system.seed_trs(*({"trn": t, "firstName": "Ada", "lastName": f"Bench{t}", "dateOfBirth": DATE_OF_BIRTH,
                           "qtsDate": "2025-07-10", "inductionStatus": "InProgress", "inductionStartDate": "2025-09-01"}
                          for t in trns[i:i + 1000]))
    kingsbridge = system.org("ab-1")
    day, month, year = reversed(DATE_OF_BIRTH.split("-"))
    staff = system.sign_in("sam@education.gov.uk")["access_token"]
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="") as legacy:
        writer = csv.writer(legacy)
        writer.writerow(("TRN", "Date of birth", "Appropriate body", "Induction period start date",
                         "Induction period end date", "Number of terms", "Induction programme", "Outcome"))
        writer.writerows((t, f"{day}/{month}/{year}", kingsbridge, "01/09/2025", "", "", "FIP", "") for t in trns)
        legacy.flush()
        run = subprocess.run([sys.executable, "-m", "inductions", "import-in-flight", legacy.name, "--json"],
                             env={**system.env, "IMPORT_ACCESS_TOKEN": staff}, capture_output=True, text=True,
                             timeout=900)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert json.loads(run.stdout)["teachers_imported"] == len(trns), run.stdout
    headers = {"Authorization": f"Bearer {system.sign_in(AB_PERSONA)['access_token']}"}

    def listed():
        r = requests.get(f"{system.gateway}/inductions/ects", headers=headers, timeout=30,
                         params={"status": "open", "page_size": 1})
        return r.status_code == 200 and json.loads(r.headers.get("X-Pagination", "{}")).get("total", 0) >= len(trns)

    eventually(listed, timeout=120, interval=1)


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def sign_in(system, email: str) -> requests.Session:
    """Signed in through the personas page, as a browser does it: its own cookie session."""
    user = requests.Session()
    page = user.get(f"{system.gateway}/personas", timeout=10)
    answer = user.post(f"{system.gateway}/personas", allow_redirects=False, timeout=10,
                       data={"email": email, "csrf_token": _hidden(page.text, "csrf_token")})
    assert answer.status_code == 302 and user.cookies.get(COOKIE), (answer.status_code, answer.text[:500])
    return user


def find_ect_form(system, user: requests.Session, trn: str) -> dict:
    """A register-an-ECT run started in the user's session: the find-ect form body (its run_id and csrf_token), and
    where posting it sends the user (the next step), from posting it once."""
    g = system.gateway
    start = user.get(f"{g}/school/register-ect", timeout=10)
    started = user.post(f"{g}/school/register-ect", data={"csrf_token": _hidden(start.text, "csrf_token")},
                        allow_redirects=False, timeout=10)
    assert started.status_code == 302 and started.headers["Location"].endswith("/find-ect"), started.headers
    page = user.get(f"{g}/school/register-ect/find-ect", timeout=10)
    day, month, year = reversed(DATE_OF_BIRTH.split("-"))
    body = urlencode({"csrf_token": _hidden(page.text, "csrf_token"), "run_id": _hidden(page.text, "run_id"),
                      "trn": trn, "date_of_birth-day": day, "date_of_birth-month": month, "date_of_birth-year": year})
    posted = user.post(f"{g}/school/register-ect/find-ect", data=body, allow_redirects=False, timeout=10,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    location = posted.headers.get("Location", "")
    assert posted.status_code == 302 and "cannot-register" not in location and "find-ect" not in location, (
        posted.status_code, location, posted.text[:500])
    return {"body": body, "next": location}


def trs_lookups(system) -> int:
    log = requests.get(f"{system.trs}/_test/requests", params={"kind": "all"}, timeout=30).json()["requests"]
    return sum(1 for r in log if r["method"] == "GET" and r["path"].startswith("/v3/persons/"))


# --- wrk ------------------------------------------------------------------------------------------------------------

LUA = """-- written by bench/portal_pages.py: one session per thread (one connection each); every answer checked
local cookies = {cookies}
local paths = {paths}
local bodies = {bodies}
local expect_status = {status}
local expect_location = {location}
local threads = {{}}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

function init(args)
  sent, unexpected = 0, 0
  cookie = "{cookie}=" .. cookies[(id - 1) % #cookies + 1]
  body = bodies[(id - 1) % #bodies + 1]
end

function request()
  sent = sent + 1
  local headers = {{Cookie = cookie}}
  if body then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", paths[1], headers, body)
  end
  return wrk.format("GET", paths[(sent + id * 7) % #paths + 1], headers)
end

function response(status, headers, _)
  if status ~= expect_status or (expect_location and headers["Location"] ~= expect_location) then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local n = 0
  for _, thread in ipairs(threads) do n = n + thread:get("unexpected") end
  io.write(string.format("  95%%  %.2fms\\n", latency:percentile(95) / 1000))
  io.write(string.format("Unexpected responses: %d\\n", n))
end
"""


def _lua(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"  # ASCII JSON strings are Lua strings


def drive(gateway: str, cookies: list[str], seconds: int, *, paths: list[str], bodies: list[str] = (),
          status: int = 200, location: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="portal-wrk-") as scratch:
        script = Path(scratch) / "portal.lua"
        script.write_text(LUA.format(cookies=_lua(cookies), paths=_lua(paths), bodies=_lua(list(bodies)), status=status,
                                     location=json.dumps(location) if location else "nil", cookie=COOKIE))
        result = wrk(gateway + paths[0], seconds=seconds, connections=len(cookies), threads=len(cookies), script=script)
    result["errors"] = result["non_2xx"] + result["socket_errors"] + (result["unexpected"] or 0)
    return result


# --- where the time goes ---------------------------------------------------------------------------------------------

def where_time_goes(system, user: requests.Session, ect_id: str, form: dict, trn: str, repeat: int = 20) -> dict:
    """Each request `repeat` times, one at a time, through the portal's Flask app in this process (the same settings,
    database and gateway as the running portal): per request, the mean time in each service call, in the session and
    token reads and writes (PostgreSQL) and in rendering, and of the whole request (mean and median)."""
    from flask import before_render_template, template_rendered

    from ecf_shared import logging
    from portal.app import create_app
    from portal.settings import PortalSettings

    settings = PortalSettings.from_env(system.env)
    logging.configure("portal-bench", "WARNING", settings.log_format)
    app = create_app(settings)
    spent: dict[str, list[float]] = {}

    def timed(name: str, call):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                label = name(*args) if callable(name) else name
                spent.setdefault(label, []).append((time.perf_counter() - began) * 1000)
        return wrapper

    portal = app.extensions["portal"]
    portal.gateway.call = timed(lambda method, path, **_: f"{method} {_template(path)}", portal.gateway.call)
    sessions = app.session_interface
    sessions.open_session = timed("session and tokens (PostgreSQL)", sessions.open_session)
    sessions.save_session = timed("session and tokens (PostgreSQL)", sessions.save_session)
    portal.tokens.load = timed("session and tokens (PostgreSQL)", portal.tokens.load)
    rendering: list[float] = []
    before_render_template.connect(lambda *_, **__: rendering.append(time.perf_counter()), app, weak=False)
    template_rendered.connect(lambda *_, **__: spent.setdefault("rendering", []).append(
        (time.perf_counter() - rendering.pop()) * 1000), app, weak=False)

    client = app.test_client()
    client.set_cookie(COOKIE, user.cookies[COOKIE])
    form_type = "application/x-www-form-urlencoded"
    requests_ = {  # each with the answer it must give
        LIST: (lambda n: client.get(f"/school/ects?page={n % 20 + 1}"), (200, None)),
        ECT_PAGE: (lambda n: client.get(f"/school/ects/{ect_id}"), (200, None)),
        WIZARD_POST: (lambda n: client.post("/school/register-ect/find-ect", data=form["body"], content_type=form_type),
                      (302, form["next"])),
    }
    out = {}
    for name, (send, expected) in requests_.items():
        send(0)  # warm: connections, templates
        spent.clear()
        totals = []
        for n in range(repeat):
            began = time.perf_counter()
            answer = send(n)
            totals.append((time.perf_counter() - began) * 1000)
            assert (answer.status_code, answer.headers.get("Location")) == expected, (name, answer.status_code)
        parts = {label: {"calls_per_request": round(len(values) / repeat, 1),
                         "ms_per_request": round(sum(values) / repeat, 1)} for label, values in spent.items()}
        accounted = sum(p["ms_per_request"] for p in parts.values())
        total = statistics.fmean(totals)
        out[name] = {"ms_per_request": round(total, 1), "median_ms": round(statistics.median(totals), 1),
                     "parts": parts, "other_ms": round(total - accounted, 1)}
    out[WIZARD_POST]["the eligibility check"] = eligibility_chain(system, trn, repeat)
    return out


def _template(path: str) -> str:
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}", path.split("?")[0])


def eligibility_chain(system, trn: str, repeat: int) -> dict:
    """What registrations' check waits on, each timed directly `repeat` times (mean ms): the check through the gateway;
    trs-sync's lookup, as registrations calls it (trs-sync keeps a lookup 60 s); TRS itself (the stand-in, as trs-sync
    calls it on a miss)."""
    from trs_sync.settings import TrsSyncSettings

    trs = TrsSyncSettings.from_env(system.env)  # the key and API version trs-sync sends TRS
    trs_headers = {"Authorization": f"Bearer {trs.trs_api_key}", "X-Api-Version": trs.trs_api_version}
    token = system.sign_in("alice@oakfield.example")["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    http = requests.Session()
    calls = {
        "POST /registrations/ects/check (via the gateway)": lambda: http.post(
            f"{system.gateway}/registrations/ects/check", headers=bearer, timeout=10,
            json={"school_id": system.org("school-1"), "trn": trn, "date_of_birth": DATE_OF_BIRTH}),
        "GET trs-sync /teachers/{trn} (direct)": lambda: http.get(
            f"http://127.0.0.1:{system.cfg.port(4)}/teachers/{trn}", headers=bearer, timeout=10,
            params={"date_of_birth": DATE_OF_BIRTH}),
        "GET TRS stand-in /v3/persons/{trn} (direct)": lambda: http.get(
            f"{system.trs}/v3/persons/{trn}", headers=trs_headers, timeout=10,
            params={"include": "Induction", "dateOfBirth": DATE_OF_BIRTH}),
    }
    out = {}
    for name, call in calls.items():
        assert call().status_code == 200, name
        began = time.perf_counter()
        for _ in range(repeat):
            call()
        out[name] = round((time.perf_counter() - began) * 1000 / repeat, 1)
    return out
