"""Rebuild every read model from the event log, in one transaction (readers see the old models until
it commits). Resources whose content comes out the same keep their created_at and updated_at, so
lead providers' `updated_since` polls only see what really changed."""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ecf_shared.db import lock_until_commit
from lp_api.adapters import event_log
from lp_api.handlers import REPLAYED
from lp_api.partnerships import refresh_partnerships
from lp_api.adapters import partnerships

READ_MODELS = ("participants", "interest_participants", "school_interests", "transfers", "induction_ends", "induction_statuses",
               "mentorships", "enrolments", "teachers", "school_contacts", "organisations")
BATCH = 1000

_SNAPSHOT = """
create temp table old_participants on commit drop as select * from participants;
create temp table old_interest_participants on commit drop as select * from interest_participants;
create temp table old_organisations on commit drop as select * from organisations;
create temp table old_teachers on commit drop as select * from teachers;
create temp table old_school_interests on commit drop as select * from school_interests;
create temp table old_partnerships on commit drop as select id, updated_at, document from partnerships;
"""
# Same content → the old timestamps; otherwise never earlier than before.
_RESTORE = """
update participants p set updated_at = o.updated_at, document = o.document
  from old_participants o
 where p.lead_provider_id = o.lead_provider_id and p.id = o.id
   and (p.document::jsonb #- '{attributes,updated_at}') = (o.document::jsonb #- '{attributes,updated_at}');
update interest_participants p set updated_at = o.updated_at, document = o.document
  from old_interest_participants o
 where p.lead_provider_id = o.lead_provider_id and p.id = o.id
   and (p.document::jsonb #- '{attributes,updated_at}') = (o.document::jsonb #- '{attributes,updated_at}');
update organisations n set created_at = o.created_at,
       updated_at = case when (n.type, n.name, n.urn, n.ukprn, n.status, n.contact_email, n.establishment_type,
                                n.state_funded, n.eligible)
                              is not distinct from
                              (o.type, o.name, o.urn, o.ukprn, o.status, o.contact_email, o.establishment_type,
                               o.state_funded, o.eligible)
                         then o.updated_at else greatest(n.updated_at, o.updated_at) end
  from old_organisations o where n.id = o.id;
update teachers n set created_at = o.created_at,
       updated_at = case when (n.trn, n.first_name, n.last_name, n.email) is not distinct from
                              (o.trn, o.first_name, o.last_name, o.email)
                         then o.updated_at else greatest(n.updated_at, o.updated_at) end
  from old_teachers o where n.id = o.id;
update school_interests n set updated_at = case when n.interested = o.interested then o.updated_at
                                               else greatest(n.updated_at, o.updated_at) end
  from old_school_interests o
 where (n.school_id, n.lead_provider_id, n.cohort) = (o.school_id, o.lead_provider_id, o.cohort);
insert into school_interests (school_id, lead_provider_id, cohort, interested, updated_at)
select o.school_id, o.lead_provider_id, o.cohort, false, case when o.interested then now() else o.updated_at end
  from old_school_interests o
 where not exists (select from school_interests n where (n.school_id, n.lead_provider_id, n.cohort)
                                                        = (o.school_id, o.lead_provider_id, o.cohort));
"""
# Partnerships are lp-api's own and stay, but replaying their schools' and delivery partners' events
# rewrites their documents on the way (a school replayed before its delivery partner, say).
_RESTORE_PARTNERSHIPS = """
update partnerships p set updated_at = o.updated_at, document = o.document
  from old_partnerships o
 where p.id = o.id and (p.document::jsonb #- '{attributes,updated_at}') = (o.document::jsonb #- '{attributes,updated_at}');
"""


def rebuild_read_models(session: Session, on_progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Replays the whole event log; returns how many events were replayed."""
    lock_until_commit(session, "lp-api rebuild-read-models")
    session.execute(text(_SNAPSHOT))
    session.execute(text("truncate " + ", ".join(READ_MODELS)))
    total = session.execute(text("select count(*) from event_log")).scalar_one()
    done, last_id = 0, 0
    on_progress(done, total)
    while True:
        batch = session.execute(select(event_log.c.id, event_log.c.type, event_log.c.data, event_log.c.occurred_at)
                                .where(event_log.c.id > last_id).order_by(event_log.c.id).limit(BATCH)).all()
        if not batch:
            break
        for row in batch:
            REPLAYED[row.type](session, row.data, row.occurred_at)
        done += len(batch)
        last_id = batch[-1].id
        on_progress(done, total)
    session.execute(text(_RESTORE))
    refresh_partnerships(session, partnerships.c.id.isnot(None))
    session.execute(text(_RESTORE_PARTNERSHIPS))
    return done
