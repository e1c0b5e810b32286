"""The database's backstop: each period lies inside the one it depends on (deferred constraint triggers, checked at
commit), and a refusal that ever reaches a request becomes a clear 409, not a 500."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from conftest import OTHER_SCHOOL, SCHOOL, auth
from registrations import integrity
from registrations.domain import rules
from test_mentors import register_ect, register_mentor


@pytest.fixture
def school(svc, fake_trs_sync, token_issuer):
    """An ECT and a mentor from 1 September 2026, each with training, and a mentorship from then (all open)."""
    token = token_issuer.school_user(SCHOOL)
    ect = register_ect(svc, fake_trs_sync, token)
    mentor = register_mentor(svc, fake_trs_sync, token)
    assigned = svc.client.post(f"/ects/{ect['id']}/mentorship", json={"mentor_id": mentor["id"], "started_on": "2026-09-01"},
                               headers=auth(token))
    assert assigned.status_code == 201, assigned.json
    return {"token": token, "ect": ect["id"], "mentor": mentor["id"], "ect_teacher": ect["teacher_id"],
            "mentorship": assigned.json["mentorship_id"]}


def write(svc, *statements, **params):
    """Run SQL statements in one transaction and commit (where the deferred checks run)."""
    with svc.db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)


def refusal(svc, *statements, **params) -> IntegrityError:
    with pytest.raises(IntegrityError) as refused:
        write(svc, *statements, **params)
    return refused.value


def rows(svc, sql, **params):
    with svc.db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


NEW_ECT_TRAINING = ("INSERT INTO training_periods (id, ect_period_id, programme, expression_of_interest, cohort, status, "
                    "started_on, finished_on) VALUES (gen_random_uuid(), :ect, 'school_led', false, 2026, 'active', "
                    ":started_on, :finished_on)")


def test_a_training_period_outside_its_ect_period_is_refused(svc, school):
    refused = refusal(svc, NEW_ECT_TRAINING, ect=school["ect"], started_on="2026-08-01", finished_on="2026-08-15")
    assert integrity.constraint_name(refused) == "training_period_inside_its_period"
    assert "does not lie inside its ECT period at the school (2026-09-01 to open)" in str(refused.orig)
    write(svc, "UPDATE training_periods SET finished_on = '2026-10-31' WHERE ect_period_id = :ect", ect=school["ect"])
    write(svc, NEW_ECT_TRAINING, ect=school["ect"], started_on="2026-11-01", finished_on=None)  # inside: fine


def test_a_mentor_training_period_outside_its_mentor_period_is_refused(svc, school):
    refused = refusal(svc, "UPDATE training_periods SET started_on = '2026-08-31' WHERE mentor_period_id = :mentor",
                      mentor=school["mentor"])
    assert integrity.constraint_name(refused) == "training_period_inside_its_period"
    assert "its mentor period" in str(refused.orig)


def test_shortening_a_period_without_finishing_what_depends_on_it_is_refused(svc, school):
    shorten_ect = "UPDATE ect_at_school_periods SET finished_on = '2026-10-31' WHERE id = :ect"
    finish_training = "UPDATE training_periods SET finished_on = '2026-10-31' WHERE ect_period_id = :ect"
    assert integrity.constraint_name(refusal(svc, shorten_ect, ect=school["ect"])) in (
        "training_period_inside_its_period", "mentorship_inside_both_periods")
    refused = refusal(svc, shorten_ect, finish_training, ect=school["ect"])
    assert integrity.constraint_name(refused) == "mentorship_inside_both_periods"
    assert "inside the ECT's period" in str(refused.orig)
    refused = refusal(svc, "UPDATE mentor_at_school_periods SET finished_on = '2026-10-31' WHERE id = :mentor",
                      "UPDATE training_periods SET finished_on = '2026-10-31' WHERE mentor_period_id = :mentor",
                      mentor=school["mentor"])
    assert integrity.constraint_name(refused) == "mentorship_inside_both_periods"
    assert "inside the mentor's period" in str(refused.orig)
    later_start = refusal(svc, "UPDATE ect_at_school_periods SET started_on = '2026-09-02' WHERE id = :ect", ect=school["ect"])
    assert integrity.constraint_name(later_start) in ("training_period_inside_its_period", "mentorship_inside_both_periods")
    assert rows(svc, "SELECT finished_on FROM ect_at_school_periods WHERE id = :ect", ect=school["ect"]) == [(None,)]


def test_a_mentorship_outside_either_period_is_refused(svc, school):
    before_both = refusal(svc, "UPDATE mentorships SET started_on = '2026-08-01' WHERE id = :m", m=school["mentorship"])
    assert integrity.constraint_name(before_both) == "mentorship_inside_both_periods"
    # The mentor period starting later than the mentorship: refused, though the ECT's period still holds it.
    refused = refusal(svc, "UPDATE mentor_at_school_periods SET started_on = '2026-10-01' WHERE id = :mentor",
                      "UPDATE training_periods SET started_on = '2026-10-01' WHERE mentor_period_id = :mentor",
                      mentor=school["mentor"])
    assert integrity.constraint_name(refused) == "mentorship_inside_both_periods"
    assert "inside the mentor's period" in str(refused.orig)


NEW_ECT_PERIOD = ("INSERT INTO ect_at_school_periods (id, teacher_id, school_id, started_on, finished_on, email, "
                  "working_pattern, registered_by_user_id, registered_for_organisation_id) VALUES (gen_random_uuid(), "
                  ":teacher, :school, :started_on, :finished_on, 'x@y.example', 'full_time', 'u', :school)")


def test_ect_periods_never_overlap_across_schools_and_at_most_one_is_open(svc, school):
    overlapping = refusal(svc, NEW_ECT_PERIOD, teacher=school["ect_teacher"], school=OTHER_SCHOOL,
                          started_on="2026-06-01", finished_on="2026-09-01")
    assert integrity.constraint_name(overlapping) == "ect_periods_never_overlap"
    second_open = refusal(svc, NEW_ECT_PERIOD, teacher=school["ect_teacher"], school=OTHER_SCHOOL,
                          started_on="2027-09-01", finished_on=None)
    assert integrity.constraint_name(second_open) in ("ect_periods_one_open", "ect_periods_never_overlap")
    write(svc, NEW_ECT_PERIOD, teacher=school["ect_teacher"], school=OTHER_SCHOOL, started_on="2026-06-01",
          finished_on="2026-08-31")  # an earlier registration elsewhere, ending the day before: fine


def test_a_mentees_mentorships_never_overlap(svc, school, fake_trs_sync):
    second = register_mentor(svc, fake_trs_sync, school["token"], trn="8000002")
    refused = refusal(svc, "INSERT INTO mentorships (id, ect_period_id, mentor_period_id, started_on) VALUES "
                           "(gen_random_uuid(), :ect, :mentor, '2026-10-01')", ect=school["ect"], mentor=second["id"])
    assert integrity.constraint_name(refused) == "a_mentees_mentorships_never_overlap"


def test_a_leave_that_finishes_its_dependants_in_the_same_transaction_commits(svc, school):
    # Parent first: the rows are briefly out of line inside the transaction, which the deferred checks allow.
    write(svc, "UPDATE ect_at_school_periods SET finished_on = '2026-10-31' WHERE id = :ect",
          "UPDATE training_periods SET finished_on = '2026-10-31' WHERE ect_period_id = :ect",
          "UPDATE mentorships SET finished_on = '2026-10-31' WHERE ect_period_id = :ect", ect=school["ect"])
    assert rows(svc, "SELECT finished_on::text FROM mentorships WHERE id = :m", m=school["mentorship"]) == [("2026-10-31",)]


def test_leaving_through_the_api_commits_with_every_dependant_inside(svc, school, token_issuer):
    left = svc.client.post(f"/mentors/{school['mentor']}/leave", json={"finished_on": "2026-12-31"},
                           headers=auth(school["token"]))
    assert left.status_code == 200, left.json
    left = svc.client.post(f"/ects/{school['ect']}/leave", json={"finished_on": "2027-01-31"},
                           headers=auth(school["token"]))
    assert left.status_code == 200, left.json
    assert rows(svc, "SELECT finished_on::text FROM training_periods WHERE ect_period_id = :ect", ect=school["ect"]) == [
        ("2027-01-31",)]
    assert rows(svc, "SELECT finished_on::text FROM mentorships WHERE id = :m", m=school["mentorship"]) == [("2026-12-31",)]


def test_leaving_before_a_dependant_ended_shortens_it_instead_of_breaking_the_rule(svc, school):
    token = school["token"]
    assert svc.client.post(f"/ects/{school['ect']}/leave", json={"finished_on": "2026-12-31"},
                           headers=auth(token)).status_code == 200
    # The mentor left earlier than the ECT: the mentorship (ended 31 Dec by the ECT leaving) ends on their last day.
    left = svc.client.post(f"/mentors/{school['mentor']}/leave", json={"finished_on": "2026-12-15"}, headers=auth(token))
    assert left.status_code == 200, left.json
    assert rows(svc, "SELECT finished_on::text FROM mentorships WHERE id = :m", m=school["mentorship"]) == [("2026-12-15",)]
    ended = svc.outbox_events("registrations.mentorship.ended")
    assert [e["data"]["finished_on"] for e in ended] == ["2026-12-31", "2026-12-15"]


def test_a_database_refusal_the_domain_missed_is_a_clear_409(svc, school, fake_trs_sync, token_issuer, monkeypatch):
    late_mentor = register_mentor(svc, fake_trs_sync, school["token"], trn="8000002", started_on="2026-11-01")
    monkeypatch.setattr(rules, "check_mentorship", lambda **kw: None)  # as if the domain rule had a hole
    response = svc.client.post(f"/ects/{school['ect']}/mentorship",
                               json={"mentor_id": late_mentor["id"], "started_on": "2026-10-01"}, headers=auth(school["token"]))
    assert response.status_code == 409, response.json
    assert response.json["code"] == "mentorship_outside_periods" and "inside both" in response.json["message"]
    assert svc.outbox_events("registrations.mentorship.started")[-1]["data"]["mentor_period_id"] == school["mentor"]
    assert svc.client.get(f"/ects/{school['ect']}", headers=auth(school["token"])).json["mentor_id"] == school["mentor"]


def test_any_refusal_reaching_the_web_layer_is_a_409_in_the_error_format(svc, school, fake_trs_sync, monkeypatch):
    late_mentor = register_mentor(svc, fake_trs_sync, school["token"], trn="8000002", started_on="2026-11-01")
    monkeypatch.setattr(rules, "check_mentorship", lambda **kw: None)
    monkeypatch.setattr(integrity, "commit", lambda uow, default=None: uow.commit())  # untranslated: the backstop
    response = svc.client.post(f"/ects/{school['ect']}/mentorship",
                               json={"mentor_id": late_mentor["id"], "started_on": "2026-10-01"}, headers=auth(school["token"]))
    assert response.status_code == 409, response.json
    assert response.json["code"] == "mentorship_outside_periods" and response.json["correlation_id"]


def test_the_migration_downgrades_and_upgrades_cleanly(make_database):
    from alembic import command
    from sqlalchemy import create_engine

    from ecf_shared.db import sqlalchemy_url
    from ecf_shared.migrations import alembic_config, upgrade
    from registrations.definition import DEFINITION

    url = make_database("registrations_migration")
    upgrade(url, "registrations", DEFINITION.migrations)
    command.downgrade(alembic_config(url, "registrations", DEFINITION.migrations), "0002")
    engine = create_engine(sqlalchemy_url(url))
    count = ("SELECT count(*) FROM pg_trigger WHERE tgname IN ('training_period_inside_its_period', "
             "'mentorship_inside_both_periods', 'ect_period_contains_its_dependants', "
             "'mentor_period_contains_its_dependants')")
    with engine.connect() as conn:
        assert conn.execute(text(count)).scalar() == 0
    upgrade(url, "registrations", DEFINITION.migrations)
    with engine.connect() as conn:
        assert conn.execute(text(count)).scalar() == 4
    engine.dispose()


def test_an_assignment_racing_the_mentor_leaving_waits_and_is_refused(svc, school, fake_trs_sync):
    import threading

    second_ect = register_ect(svc, fake_trs_sync, school["token"], trn="2222222")
    results = []
    with svc.db.engine.connect() as leaving:  # the mentor leaves on 15 Oct in a transaction not yet committed
        leaving.execute(text("UPDATE mentor_at_school_periods SET finished_on = '2026-10-15' WHERE id = :m"),
                        {"m": school["mentor"]})
        for table in ("training_periods", "mentorships"):
            leaving.execute(text(f"UPDATE {table} SET finished_on = '2026-10-15' WHERE mentor_period_id = :m"),
                            {"m": school["mentor"]})
        assigning = threading.Thread(target=lambda: results.append(svc.client.post(
            f"/ects/{second_ect['id']}/mentorship", json={"mentor_id": school["mentor"], "started_on": "2026-10-20"},
            headers=auth(school["token"]))))
        assigning.start()
        assigning.join(1.0)
        assert assigning.is_alive()  # waiting for the leave to commit or roll back
        leaving.commit()
    assigning.join(10)
    [response] = results
    assert response.status_code == 422 and response.json["code"] == "mentorship_outside_periods"
    assert rows(svc, "SELECT count(*) FROM mentorships WHERE ect_period_id = :e", e=second_ect["id"]) == [(0,)]
