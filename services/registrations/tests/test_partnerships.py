"""Partnerships: registrations keeps a copy of lp-api's, so an ECT or mentor registered (or whose training changes to
a lead provider) after the school's partnership with that lead provider for the cohort trains through it at once."""
import json
import threading
import uuid
from datetime import datetime, timedelta, UTC

import pika
from sqlalchemy import text

from conftest import LEAD_PROVIDER, OTHER_LEAD_PROVIDER, OTHER_SCHOOL, SCHOOL, auth, ect_body
from ecf_shared.bus import amqp
from ecf_shared.contracts import exchange_for
from ecf_shared.events.envelope import new_event
from ecf_shared.uow import UnitOfWork
from registrations import partnerships
from test_bulk import HEADER, MENTORS_HEADER, mentor_row, post_csv, row
from test_mentors import register_ect, register_mentor

PARTNERSHIP, DELIVERY_PARTNER, NEW_DELIVERY_PARTNER = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
ON_THE_PARTNERSHIP = {"partnership_id": PARTNERSHIP, "delivery_partner_id": DELIVERY_PARTNER,
                      "expression_of_interest": False}
NOT_ON_ONE = {"partnership_id": None, "delivery_partner_id": None, "expression_of_interest": True}


def partnership(**overrides):
    return {"partnership_id": PARTNERSHIP, "lead_provider_id": LEAD_PROVIDER, "delivery_partner_id": DELIVERY_PARTNER,
            "school_id": SCHOOL, "cohort": 2026, **overrides}


def partnered(svc, **overrides):
    svc.send("lp-api.partnership.created", partnership(**overrides))
    svc.consume()


def publish(svc, event) -> None:
    """Put one lp-api event on the broker as it is (the same event again is a redelivery)."""
    with amqp.connect(svc.settings.amqp_url, name="test-send") as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish(exchange_for("lp-api"), event.type, json.dumps(event.to_message()).encode(),
                              pika.BasicProperties(message_id=event.event_id, delivery_mode=2), mandatory=True)


def copies(svc) -> list[tuple]:
    with svc.db.engine.connect() as conn:
        return [tuple(str(v) for v in r) for r in conn.execute(text(
            "SELECT school_id, lead_provider_id, cohort, partnership_id, delivery_partner_id FROM partnerships "
            "ORDER BY school_id, lead_provider_id, cohort"))]


def on_partnership(training: dict) -> dict:
    return {k: training[k] for k in ("partnership_id", "delivery_partner_id", "expression_of_interest")}


def shown(svc, token, kind, period_id) -> dict:
    return svc.client.get(f"/{kind}/{period_id}", headers=auth(token)).json


def delivery_partner(view: dict) -> tuple:
    return view["delivery_partner_id"], view["expression_of_interest"]


def test_an_ect_and_a_mentor_registered_after_the_partnership_train_through_it(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    partnered(svc)
    assert copies(svc) == [(SCHOOL, LEAD_PROVIDER, "2026", PARTNERSHIP, DELIVERY_PARTNER)]
    ect = register_ect(svc, fake_trs_sync, token)
    mentor = register_mentor(svc, fake_trs_sync, token)
    for registered in (ect, mentor):
        assert delivery_partner(registered) == (DELIVERY_PARTNER, False)
    assert shown(svc, token, "ects", ect["id"])["delivery_partner_id"] == DELIVERY_PARTNER
    assert shown(svc, token, "mentors", mentor["id"])["expression_of_interest"] is False
    # The events carry the partnership exactly as the partnership's event would have set it; nothing else follows.
    [ect_registered] = svc.outbox_events("registrations.ect.registered")
    [mentor_registered] = svc.outbox_events("registrations.mentor.registered")
    for event in (ect_registered, mentor_registered):
        assert on_partnership(event["data"]["training"]) == ON_THE_PARTNERSHIP
        assert event["data"]["training"]["lead_provider_id"] == LEAD_PROVIDER
    assert svc.outbox_events("registrations.training.changed") == []
    # Who linked it is in the registration's audit entry.
    [entry] = svc.client.get(f"/audit?subject={ect['id']}", headers=auth(token)).json
    assert entry["action"] == "ect_registered"
    assert (entry["details"]["partnership_id"], entry["details"]["delivery_partner_id"]) == (PARTNERSHIP, DELIVERY_PARTNER)
    # The partnership's event arriving again finds nothing left to move.
    svc.send("lp-api.partnership.created", partnership())
    svc.consume()
    assert svc.outbox_events("registrations.training.changed") == []


def test_training_registered_before_and_after_the_partnership_ends_up_the_same(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    before = register_ect(svc, fake_trs_sync, token, trn="1111111")
    partnered(svc)
    after = register_ect(svc, fake_trs_sync, token, trn="2222222")
    [linked] = svc.outbox_events("registrations.training.changed")
    [_, registered] = svc.outbox_events("registrations.ect.registered")
    assert linked["data"]["period_id"] == before["id"] and linked["data"]["change"] == "partnership_linked"
    ignore = ("training_period_id", "started_on")
    assert ({k: v for k, v in registered["data"]["training"].items() if k not in ignore}
            == {k: v for k, v in linked["data"]["training"].items() if k not in ignore})
    assert shown(svc, token, "ects", before["id"])["delivery_partner_id"] == DELIVERY_PARTNER
    assert shown(svc, token, "ects", after["id"])["delivery_partner_id"] == DELIVERY_PARTNER


def test_a_training_change_to_a_partnered_lead_provider_trains_through_the_partnership(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token, lead_provider_id=OTHER_LEAD_PROVIDER)
    school_led = register_ect(svc, fake_trs_sync, token, trn="2222222", training_programme="school_led",
                              lead_provider_id=None)
    mentor = register_mentor(svc, fake_trs_sync, token, lead_provider_id=OTHER_LEAD_PROVIDER)
    partnered(svc)
    assert svc.outbox_events("registrations.training.changed") == []  # the partnership is with another lead provider
    to_partnered = {"training_programme": "provider_led", "lead_provider_id": LEAD_PROVIDER, "started_on": "2026-11-01"}
    for kind, period in (("ects", ect), ("ects", school_led), ("mentors", mentor)):
        changed = svc.client.post(f"/{kind}/{period['id']}/training", json=to_partnered, headers=auth(token))
        assert changed.status_code == 200, changed.json
        assert delivery_partner(changed.json) == (DELIVERY_PARTNER, False)
    events = svc.outbox_events("registrations.training.changed")
    assert [e["data"]["change"] for e in events] == ["lead_provider_changed", "programme_changed", "lead_provider_changed"]
    assert [on_partnership(e["data"]["training"]) for e in events] == [ON_THE_PARTNERSHIP] * 3
    entry = svc.client.get(f"/audit?subject={ect['id']}", headers=auth(token)).json[-1]
    assert entry["action"] == "training_lead_provider_changed" and entry["details"]["partnership_id"] == PARTNERSHIP
    # Changing away from it leaves the partnership behind: the new lead provider has none with the school.
    away = svc.client.post(f"/ects/{ect['id']}/training", json={**to_partnered, "lead_provider_id": OTHER_LEAD_PROVIDER,
                                                                "started_on": "2027-01-04"}, headers=auth(token))
    assert delivery_partner(away.json) == (None, True)
    assert on_partnership(svc.outbox_events("registrations.training.changed")[-1]["data"]["training"]) == NOT_ON_ONE


def test_another_cohort_lead_provider_or_school_stays_an_expression_of_interest(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    partnered(svc, cohort=2027)
    partnered(svc, partnership_id=str(uuid.uuid4()), school_id=OTHER_SCHOOL)
    partnered(svc, partnership_id=str(uuid.uuid4()), lead_provider_id=OTHER_LEAD_PROVIDER, cohort=2025)
    assert len(copies(svc)) == 3
    ect = register_ect(svc, fake_trs_sync, token)  # this school, this lead provider, 2026: no partnership
    other_lp = register_ect(svc, fake_trs_sync, token, trn="2222222", lead_provider_id=OTHER_LEAD_PROVIDER)
    mentor = register_mentor(svc, fake_trs_sync, token, lead_provider_id=OTHER_LEAD_PROVIDER)
    school_led = register_ect(svc, fake_trs_sync, token, trn="3333333", training_programme="school_led",
                              lead_provider_id=None)
    for kind, period in (("ects", ect), ("ects", other_lp), ("mentors", mentor)):
        assert delivery_partner(shown(svc, token, kind, period["id"])) == (None, True)
    assert shown(svc, token, "ects", school_led["id"])["delivery_partner_id"] is None
    for event in svc.outbox_events("registrations.ect.registered") + svc.outbox_events("registrations.mentor.registered"):
        assert event["data"]["training"]["partnership_id"] is None
    assert svc.outbox_events("registrations.training.changed") == []


def test_a_repeated_partnership_event_keeps_one_copy_and_links_once(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    created = new_event("lp-api.partnership.created", partnership(), producer="lp-api")
    publish(svc, created)
    publish(svc, created)  # redelivered
    svc.consume()
    svc.send("lp-api.partnership.created", partnership())  # published again as a new event
    svc.send("lp-api.partnership.updated", partnership())  # an update that changes nothing
    svc.consume()
    assert copies(svc) == [(SCHOOL, LEAD_PROVIDER, "2026", PARTNERSHIP, DELIVERY_PARTNER)]
    [linked] = svc.outbox_events("registrations.training.changed")
    assert linked["data"]["period_id"] == ect["id"]
    trail = svc.client.get(f"/audit?subject={ect['id']}", headers=auth(token)).json
    assert [e["action"] for e in trail] == ["ect_registered", "training_partnership_linked"]
    with svc.db.engine.connect() as conn:
        assert conn.execute(text("select count(*) from inbox")).scalar() == 8 + 3  # organisations, then 3 distinct


def test_a_delivery_partner_change_updates_the_copy_and_later_registrations(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    created = new_event("lp-api.partnership.created", partnership(), producer="lp-api",
                        occurred_at=datetime.now(UTC) - timedelta(minutes=5))
    publish(svc, created)
    svc.consume()
    before = register_ect(svc, fake_trs_sync, token)
    svc.send("lp-api.partnership.updated", partnership(delivery_partner_id=NEW_DELIVERY_PARTNER,
                                                       previous_delivery_partner_id=DELIVERY_PARTNER))
    svc.consume()
    assert copies(svc) == [(SCHOOL, LEAD_PROVIDER, "2026", PARTNERSHIP, NEW_DELIVERY_PARTNER)]
    assert shown(svc, token, "ects", before["id"])["delivery_partner_id"] == NEW_DELIVERY_PARTNER
    after = register_ect(svc, fake_trs_sync, token, trn="2222222")
    mentor = register_mentor(svc, fake_trs_sync, token)
    assert after["delivery_partner_id"] == NEW_DELIVERY_PARTNER and mentor["delivery_partner_id"] == NEW_DELIVERY_PARTNER
    [_, registered] = svc.outbox_events("registrations.ect.registered")
    assert registered["data"]["training"]["delivery_partner_id"] == NEW_DELIVERY_PARTNER
    # The creation, arriving again late (a retry after the change), does not put the old delivery partner back.
    late = new_event("lp-api.partnership.created", partnership(), producer="lp-api", occurred_at=created.occurred_at)
    publish(svc, late)
    svc.consume()
    assert copies(svc) == [(SCHOOL, LEAD_PROVIDER, "2026", PARTNERSHIP, NEW_DELIVERY_PARTNER)]
    for period in (before, after):
        assert shown(svc, token, "ects", period["id"])["delivery_partner_id"] == NEW_DELIVERY_PARTNER
    [moved] = svc.outbox_events("registrations.training.changed")  # only the earlier ECT's move to the new partner
    assert (moved["data"]["period_id"], moved["data"]["training"]["delivery_partner_id"]) == (before["id"],
                                                                                           NEW_DELIVERY_PARTNER)


def test_bulk_registrations_and_moves_train_through_the_partnership(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    partnered(svc)
    for trn in ("1000001", "1000002", "8000001"):
        fake_trs_sync.add(trn)
    ects = post_csv(svc, token, HEADER + row("1000001") + row("1000002", lead_provider=OTHER_LEAD_PROVIDER))
    assert ects.status_code == 201, ects.json
    assert [delivery_partner(e) for e in ects.json] == [(DELIVERY_PARTNER, False), (None, True)]
    mentors = svc.client.post("/mentors/bulk", data=(MENTORS_HEADER + mentor_row("8000001")).encode(),
                              headers={**auth(token), "Content-Type": "text/csv"})
    assert mentors.status_code == 201, mentors.json
    assert mentors.json[0]["delivery_partner_id"] == DELIVERY_PARTNER
    events = svc.outbox_events("registrations.ect.registered")
    assert [e["data"]["training"]["partnership_id"] for e in events] == [PARTNERSHIP, None]
    # An ECT moving here from another school trains through this school's partnership.
    register_ect(svc, fake_trs_sync, token_issuer.school_user(OTHER_SCHOOL), trn="3333333")
    moved = svc.client.post("/ects", json=ect_body(trn="3333333", started_on="2027-01-04",
                                                   moving_from_another_school=True), headers=auth(token))
    assert moved.status_code == 201, moved.json
    assert moved.json["delivery_partner_id"] == DELIVERY_PARTNER
    [event] = svc.outbox_events("registrations.teacher.moved_school")
    assert on_partnership(event["data"]["training"]) == ON_THE_PARTNERSHIP


def test_a_registration_racing_the_partnership_event_waits_for_it_and_trains_through_it(svc, fake_trs_sync, token_issuer):
    token = token_issuer.school_user(SCHOOL)
    fake_trs_sync.add("1234567")
    results = []
    with UnitOfWork(svc.db, producer="registrations") as handling:  # the partnership's event, not yet committed
        partnerships.record(handling, partnership(), datetime.now(UTC))
        registering = threading.Thread(target=lambda: results.append(
            svc.client.post("/ects", json=ect_body(), headers=auth(token))))
        registering.start()
        registering.join(1.0)
        assert registering.is_alive()  # waiting for the event's transaction to commit or roll back
        handling.commit()
    registering.join(10)
    [response] = results
    assert response.status_code == 201, response.json
    assert delivery_partner(response.json) == (DELIVERY_PARTNER, False)


def test_the_migration_seeds_the_copy_from_training_already_on_partnerships(make_database):
    """Partnerships lp-api announced before revision 0004 are known from the training they were linked to: an open
    training period's delivery partner wins over an earlier one's."""
    from sqlalchemy import create_engine

    from ecf_shared.db import sqlalchemy_url
    from ecf_shared.migrations import upgrade
    from registrations.definition import DEFINITION

    url = make_database("registrations_partnership_copies")
    upgrade(url, "registrations", DEFINITION.migrations, revision="0003")
    engine = create_engine(sqlalchemy_url(url), connect_args={"options": "-csearch_path=registrations,public"})
    teacher, ect, mentor = (str(uuid.uuid4()) for _ in range(3))
    who = "'user-1', 'bob@oakfield.example', 'Bob', :school"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO teachers (id, trn, first_name, last_name) VALUES (:t, '1234567', 'Ada', 'Byron')"),
                     {"t": teacher})
        conn.execute(text(
            "INSERT INTO ect_at_school_periods (id, teacher_id, school_id, started_on, email, working_pattern, "
            "registered_by_user_id, registered_by_email, registered_by_name, registered_for_organisation_id) "
            f"VALUES (:e, :t, :school, '2026-09-01', 'ada@school.example', 'full_time', {who})"),
            {"e": ect, "t": teacher, "school": SCHOOL})
        conn.execute(text(
            "INSERT INTO mentor_at_school_periods (id, teacher_id, school_id, started_on, email, registered_by_user_id, "
            "registered_by_email, registered_by_name, registered_for_organisation_id) "
            f"VALUES (:m, :t, :school, '2026-09-01', 'ada@school.example', {who})"),
            {"m": mentor, "t": teacher, "school": OTHER_SCHOOL})
        training = ("INSERT INTO training_periods (id, ect_period_id, mentor_period_id, programme, lead_provider_id, "
                    "delivery_partner_id, partnership_id, expression_of_interest, cohort, status, started_on, "
                    "finished_on) VALUES (gen_random_uuid(), :e, :m, 'provider_led', :lp, :dp, :p, :eoi, 2026, "
                    "'active', :started, :finished)")
        for e, m, lp, dp, p, started, finished in (
                (ect, None, LEAD_PROVIDER, DELIVERY_PARTNER, PARTNERSHIP, "2026-09-01", "2026-10-31"),
                (ect, None, LEAD_PROVIDER, NEW_DELIVERY_PARTNER, PARTNERSHIP, "2026-11-01", None),
                (None, mentor, OTHER_LEAD_PROVIDER, None, None, "2026-09-01", None)):  # an expression of interest
            conn.execute(text(training), {"e": e, "m": m, "lp": lp, "dp": dp, "p": p, "eoi": p is None,
                                          "started": started, "finished": finished})
    upgrade(url, "registrations", DEFINITION.migrations)
    with engine.connect() as conn:
        seeded = [tuple(str(v) for v in r) for r in conn.execute(text(
            "SELECT school_id, lead_provider_id, cohort, partnership_id, delivery_partner_id, as_of FROM partnerships"))]
    engine.dispose()
    assert seeded == [(SCHOOL, LEAD_PROVIDER, "2026", PARTNERSHIP, NEW_DELIVERY_PARTNER, "None")]
