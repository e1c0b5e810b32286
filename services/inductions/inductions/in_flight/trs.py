"""What TRS holds for many teachers, asked of trs-sync (the only service that talks to TRS) with the operator's
DfE staff token, as every service's call to trs-sync forwards its caller's token."""
from __future__ import annotations

import time
from datetime import date

from ecf_shared.errors import Unavailable
from ecf_shared.http_client import ServiceClient
from inductions.domain.in_flight import TrsTeacher

BATCH = 500  # TRS's persons/find takes 500 at a time: one TRS request per call
BUSY_ATTEMPTS = 20


class TrsUnavailable(Unavailable):
    pass


class TokenRefused(TrsUnavailable):
    """trs-sync refused the access token forwarded to it (expired, or not a DfE staff member's)."""


class TrsFinder:
    def __init__(self, trs_sync_url: str, token: str | None, *, timeout: float = 30.0, sleep=time.sleep):
        self.client = ServiceClient(trs_sync_url, name="trs_sync", timeout=timeout)
        self.token, self.sleep = token, sleep
        self.trs_requests = 0  # TRS persons/find calls trs-sync made for us

    def find(self, persons: list[tuple[str, date]]) -> dict[str, TrsTeacher]:
        """The teachers TRS knows with these dates of birth, by TRN; waits while TRS's rate limit is reached."""
        body = {"teachers": [{"trn": trn, "date_of_birth": dob.isoformat()} for trn, dob in persons]}
        for _ in range(BUSY_ATTEMPTS):
            response = self.client.post("/teachers/find", token=self.token, json=body)
            if response.status_code == 200:
                answer = response.json()
                self.trs_requests += answer.get("trs_requests", 0)
                return {t["trn"]: _teacher(t) for t in answer["teachers"]}
            if response.status_code in (401, 403):
                raise TokenRefused(f"trs-sync refused the access token ({response.status_code}): "
                                   f"{_message(response)}", code="token_refused")
            if response.status_code not in (429, 503):
                raise TrsUnavailable(f"trs-sync answered {response.status_code}: {response.text[:300]}",
                                     code="trs_unavailable")
            self.sleep(float(response.headers.get("Retry-After", "5")))
        raise TrsUnavailable("TRS stayed busy; run the import again later (it carries on where it stopped).",
                             code="trs_unavailable")


def _message(response) -> str:
    try:
        return str(response.json().get("message", ""))[:300]
    except ValueError:
        return response.text[:300]


def _teacher(t: dict) -> TrsTeacher:
    induction = t.get("induction") or {}
    return TrsTeacher(trn=t["trn"], first_name=t["first_name"], last_name=t["last_name"],
                      qts_awarded_on=_date(t.get("qts_awarded_on")),
                      prohibited_from_teaching=bool(t.get("prohibited_from_teaching")),
                      status=induction.get("status") or "None", start_date=_date(induction.get("start_date")),
                      completed_date=_date(induction.get("completed_date")))


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
