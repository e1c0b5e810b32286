"""Checking a teacher against TRS through trs-sync (the only service that talks to TRS); used by registrations and inductions."""
from __future__ import annotations

from datetime import date

from ecf_shared.errors import Invalid, Unavailable
from ecf_shared.http_client import ServiceClient


class TeacherLookup:
    def __init__(self, trs_sync_url: str, timeout: float = 5.0):
        self.client = ServiceClient(trs_sync_url, name="trs_sync", timeout=timeout)

    def find(self, trn: str, date_of_birth: date, *, token: str | None) -> dict:
        response = self.client.get(f"/teachers/{trn}", token=token, params={"date_of_birth": date_of_birth.isoformat()})
        if response.status_code == 200:
            return response.json()
        if response.status_code == 404:
            raise Invalid("We could not find a teacher with that TRN and date of birth. Check both and try again.",
                          code="teacher_not_found",
                          fields={"trn": ["No teacher with this TRN and date of birth."],
                                  "date_of_birth": ["No teacher with this TRN and date of birth."]})
        if response.status_code == 410:
            raise Invalid("This teacher's record has been deactivated in TRS. Contact support.",
                          code="teacher_deactivated", fields={"trn": ["Deactivated TRS record."]})
        raise Unavailable("We could not check the teacher's record just now; try again in a few minutes.",
                          code="trs_unavailable", headers={"Retry-After": response.headers.get("Retry-After", "30")})
