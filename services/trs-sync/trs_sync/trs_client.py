"""The TRS API client: the only module that speaks TRS's wire format.

Answers become typed results or exceptions. Lookups retry transient failures a little here; deliveries
do not (the bus consumer's retry queues back off for them).
"""
from __future__ import annotations

from datetime import date, UTC
from urllib.parse import urljoin

import requests
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, stop_after_delay, wait_exponential_jitter

from trs_sync.domain.model import Induction, StatusChange, Teacher
from trs_sync.rate_limit import SharedRateLimit, Throttled
from trs_sync.settings import TrsSyncSettings

PERSON_NOT_FOUND = 10001
STALE_REQUEST = 10033
# TRS's alert category for "prohibited from teaching"; such an alert without an end date is in force.
PROHIBITION_CATEGORY_ID = "b2b19019-b165-47a3-8745-3297ff152581"
MAX_MERGE_HOPS = 3
LOOKUP_ATTEMPTS = 3
MAX_FIND_PERSONS = 500  # per POST /v3/persons/find


class TrsError(Exception):
    def __init__(self, detail: str, *, status: int | None = None, error_code: int | str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.error_code = None if error_code is None else str(error_code)


class Permanent(TrsError):
    """TRS refused the request; sending it again will not help."""


class NotFound(Permanent):
    """No person with that TRN (and date of birth): 404 / 10001."""


class Deactivated(Permanent):
    """The person's record is inactive: 410."""


class Stale(TrsError):
    """TRS already holds a newer change from CPD: 409 / 10033."""


class Transient(TrsError):
    """TRS failed (5xx), was too slow, or could not be reached: worth trying again later."""


class RateLimited(TrsError):
    """Too many requests (TRS's 429, or our own limit): try again after `retry_after` seconds."""

    def __init__(self, retry_after: float):
        super().__init__(f"TRS rate limit reached; retry in {retry_after:g}s", status=429)
        self.retry_after = retry_after


class Misconfigured(TrsError):
    """TRS refused our API key or version: every call fails until the settings are fixed."""


class TrsClient:
    def __init__(self, base_url: str, *, api_key: str, api_version: str, timeout: float, bucket: SharedRateLimit):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.bucket = bucket
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {api_key}", "X-Api-Version": api_version,
                                     "Accept": "application/json"})

    @classmethod
    def from_settings(cls, settings: TrsSyncSettings, db) -> TrsClient:
        """The client every process makes: TRS's rate limit is counted with every other process's, in `db`."""
        return cls(settings.trs_api_url, api_key=settings.trs_api_key, api_version=settings.trs_api_version,
                   timeout=settings.trs_timeout_seconds, bucket=SharedRateLimit(db, settings.trs_rate_limit_per_minute))

    def find_teacher(self, trn: str, date_of_birth: date) -> Teacher:
        """The teacher with this TRN and date of birth; a merged record is followed to the current one."""
        retrying = Retrying(retry=retry_if_exception_type(Transient),
                            stop=stop_after_attempt(LOOKUP_ATTEMPTS) | stop_after_delay(self.timeout),
                            wait=wait_exponential_jitter(multiplier=0.1, max=0.5, jitter=0.1), reraise=True)
        for attempt in retrying:
            with attempt:
                teacher = self._find_teacher_once(trn, date_of_birth)
        return teacher

    def find_teachers(self, persons: list[tuple[str, date]]) -> dict[str, Teacher]:
        """Teachers by TRN for up to 500 (TRN, date of birth) pairs, in one request inside the shared rate limit; a
        person TRS does not find (unknown, wrong date of birth, deactivated or merged) is left out."""
        if len(persons) > MAX_FIND_PERSONS:
            raise ValueError(f"TRS finds at most {MAX_FIND_PERSONS} persons at a time")
        body = {"persons": [{"trn": trn, "dateOfBirth": dob.isoformat()} for trn, dob in persons]}
        response = self._request("POST", f"{self.base_url}/v3/persons/find", json=body)
        if not response.ok:
            raise _error(response)
        try:
            return {person["trn"]: _person(person, merged_from=None) for person in response.json()["results"]}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise Permanent(f"TRS sent find results we cannot read: {exc!r}", status=response.status_code) from exc

    def find_inductions(self, persons: list[tuple[str, date]]) -> dict[str, Induction]:
        """Inductions by TRN, as find_teachers finds them."""
        return {trn: teacher.induction for trn, teacher in self.find_teachers(persons).items()}

    def set_cpd_induction(self, trn: str, body: dict) -> None:
        response = self._request("PUT", f"{self.base_url}/v3/persons/{trn}/cpd-induction", json=body)
        if not response.ok:
            raise _error(response)

    def _find_teacher_once(self, trn: str, date_of_birth: date) -> Teacher:
        url = f"{self.base_url}/v3/persons/{trn}"
        params = {"include": "Induction", "dateOfBirth": date_of_birth.isoformat()}
        for hop in range(MAX_MERGE_HOPS + 1):
            response = self._request("GET", url, params=params)
            if response.status_code == 308 and response.headers.get("Location"):
                url, params = urljoin(response.url, response.headers["Location"]), None  # Location keeps the query
                continue
            if response.status_code != 200:
                raise _error(response)
            return _teacher(response, merged_from=trn if hop else None)
        raise Permanent(f"TRS redirected TRN {trn} more than {MAX_MERGE_HOPS} times.", status=308)

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        try:
            self.bucket.acquire(max_wait=self.timeout)
        except Throttled as exc:
            raise RateLimited(exc.retry_after) from exc
        try:
            response = self.session.request(method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise Transient(f"TRS did not answer: {type(exc).__name__}") from exc
        if response.status_code == 429:
            retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
            self.bucket.hold_off(retry_after)
            raise RateLimited(retry_after)
        if response.status_code >= 500:
            raise Transient(_problem_detail(response), status=response.status_code)
        return response


def cpd_induction_body(change: StatusChange) -> dict:
    """The PUT /v3/persons/{trn}/cpd-induction body; TRS refuses dates a status does not permit."""
    induction = change.induction
    body = {"status": induction.status}
    if induction.start_date is not None:
        body["startDate"] = induction.start_date.isoformat()
    if induction.completed_date is not None:
        body["completedDate"] = induction.completed_date.isoformat()
    modified_on = change.changed_at.astimezone(UTC).isoformat(timespec="microseconds")
    body["modifiedOn"] = modified_on.replace("+00:00", "Z")
    return body


def _error(response: requests.Response) -> TrsError:
    status, problem = response.status_code, _problem(response)
    code, detail = problem.get("errorCode"), _problem_detail(response)
    if status in (401, 403) or (status in (404, 405) and not problem):
        # A bare 404 is TRS's answer to an unsupported X-Api-Version.
        return Misconfigured(detail, status=status, error_code=code)
    if status == 404 and code == PERSON_NOT_FOUND:
        return NotFound(detail, status=status, error_code=code)
    if status == 410:
        return Deactivated(detail, status=status, error_code=code)
    if status == 409 and code == STALE_REQUEST:
        return Stale(detail, status=status, error_code=code)
    return Permanent(detail, status=status, error_code=code)


def _problem(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _problem_detail(response: requests.Response) -> str:
    problem = _problem(response)
    detail = problem.get("detail") or problem.get("title") or f"TRS answered {response.status_code}"
    if problem.get("errors"):
        detail = f"{detail} {problem['errors']}"
    return detail


def _retry_after_seconds(header: str | None) -> float:
    try:
        return max(0.0, float(header))
    except (TypeError, ValueError):
        return 1.0  # missing, or an HTTP date (TRS sends seconds)


def _teacher(response: requests.Response, merged_from: str | None) -> Teacher:
    try:
        return _person(response.json(), merged_from)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Permanent(f"TRS sent a person record we cannot read: {exc!r}", status=response.status_code) from exc


def _person(person: dict, merged_from: str | None) -> Teacher:
    return Teacher(
        trn=person["trn"],
        first_name=person["firstName"],
        middle_name=person.get("middleName") or "",
        last_name=person["lastName"],
        date_of_birth=date.fromisoformat(person["dateOfBirth"]),
        qts_awarded_on=_date((person.get("qts") or {}).get("holdsFrom")),
        induction=_induction(person.get("induction") or {}),
        prohibited_from_teaching=any(_is_prohibition(alert) for alert in person.get("alerts") or ()),
        merged_from=merged_from,
    )


def _induction(induction: dict) -> Induction:
    return Induction(induction.get("status") or "None", _date(induction.get("startDate")),
                     _date(induction.get("completedDate")))


def _is_prohibition(alert: dict) -> bool:
    category = (alert.get("alertType") or {}).get("alertCategory") or {}
    return category.get("alertCategoryId") == PROHIBITION_CATEGORY_ID and alert.get("endDate") is None


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
