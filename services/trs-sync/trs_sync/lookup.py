"""Teachers looked up in TRS by TRN and date of birth, remembered for a short while."""
from __future__ import annotations

from datetime import date

from trs_sync.domain.model import Teacher
from trs_sync.trs_client import TrsClient
from trs_sync.ttl_cache import TtlCache


class TeacherLookup:
    def __init__(self, trs: TrsClient, cache_seconds: float):
        self.trs = trs
        self.cache = TtlCache(cache_seconds)

    def find(self, trn: str, date_of_birth: date) -> Teacher:
        teacher = self.cache.get((trn, date_of_birth))
        if teacher is None:
            teacher = self.trs.find_teacher(trn, date_of_birth)
            self.cache.put((trn, date_of_birth), teacher)
        return teacher
