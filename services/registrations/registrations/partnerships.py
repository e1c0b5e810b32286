"""Partnerships as registrations knows them: a read copy of lp-api's, one per (school, lead provider, cohort), kept
from lp-api.partnership.created / updated; and putting provider-led training onto them.

Training reaches a partnership from either side: the partnership's event links the training that exists when it is
handled (handlers.link_partnership), and a registration or training change made afterwards links its new training at
once (`train_through_partnership`). So that neither misses the other when they happen at the same moment, both take
a transaction-level advisory lock on the (school, lead provider, cohort) key, the event exclusively and registrations
shared (registrations do not wait for each other). Under READ COMMITTED each statement sees what committed before it
began: a registration that committed first is found by the event's query for training, and one that waited for the
event reads the copy the event wrote.
"""
from __future__ import annotations

from datetime import datetime

from ecf_shared.db import lock_until_commit
from registrations.domain.model import PartnershipCopy, TrainingPeriod


def _lock(uow, school_id: str, lead_provider_id: str, cohort: int, *, exclusive: bool) -> None:
    lock_until_commit(uow.session, f"registrations.partnership:{school_id}:{lead_provider_id}:{cohort}",
                      shared=not exclusive)


def _copy(uow, school_id: str, lead_provider_id: str, cohort: int) -> PartnershipCopy | None:
    # populate_existing: read the row as it is now (after the lock), not as this session may have loaded it before.
    return uow.session.get(PartnershipCopy, (school_id, lead_provider_id, cohort), populate_existing=True)


def record(uow, data: dict, as_of: datetime) -> PartnershipCopy:
    """Keep lp-api's partnership event (made at `as_of`) in the read copy and return the copy as it now stands, the
    key locked until commit. A repeat changes nothing; an event older than the copy's last change is ignored."""
    school_id, lead_provider_id, cohort = str(data["school_id"]), str(data["lead_provider_id"]), int(data["cohort"])
    partnership_id, delivery_partner_id = str(data["partnership_id"]), str(data["delivery_partner_id"])
    _lock(uow, school_id, lead_provider_id, cohort, exclusive=True)
    partnership = _copy(uow, school_id, lead_provider_id, cohort)
    if partnership is None:
        partnership = PartnershipCopy(school_id=school_id, lead_provider_id=lead_provider_id, cohort=cohort,
                                      partnership_id=partnership_id, delivery_partner_id=delivery_partner_id,
                                      as_of=as_of)
        uow.session.add(partnership)
        uow.session.flush()
    else:
        partnership.take(partnership_id, delivery_partner_id, as_of)
    return partnership


def train_through_partnership(uow, training: TrainingPeriod, school_id: str) -> PartnershipCopy | None:
    """New provider-led training at the school trains through the school's partnership with its lead provider for its
    cohort, if lp-api has told us of one (exactly as the partnership's event would have linked it). Returns the
    partnership, or None when there is none (the training stays an expression of interest)."""
    if training.programme != "provider_led" or not training.lead_provider_id:
        return None
    _lock(uow, school_id, training.lead_provider_id, training.cohort, exclusive=False)
    partnership = _copy(uow, school_id, training.lead_provider_id, training.cohort)
    if partnership is None:
        return None
    training.train_through(partnership)
    return partnership


def linked(training: TrainingPeriod) -> dict:
    """The partnership part of an audit entry's details."""
    return {"partnership_id": training.partnership_id, "delivery_partner_id": training.delivery_partner_id}
