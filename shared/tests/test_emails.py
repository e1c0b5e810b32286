"""The email outbox keeps its promises against real PostgreSQL and the GOV.UK Notify stand-in (through Notify's own
client): a rolled-back change sends nothing, a committed one is sent exactly once however Notify misbehaves, a
refusal is final, and the secret in a link does not outlive the send."""
import threading
import time

import pytest
import structlog
from alembic.migration import MigrationContext
from alembic.operations import Operations
from notifications_python_client import NotificationsAPIClient
from sqlalchemy import text, update

from ecf_shared.db import Database
from ecf_shared.emails import sender as sender_module
from ecf_shared.emails.outbox import long_date, queue_email
from ecf_shared.emails.sender import EmailSender, background_runners
from ecf_shared.emails.settings import EmailSettings
from ecf_shared.emails.tables import create_email_outbox, email_outbox
from ecf_shared.testing.harness import truncate_all
from ecf_shared.testing.notify import queued_emails
from ecf_shared.uow import UnitOfWork
from datetime import UTC

TOKEN = "secret-token-abc123"


@pytest.fixture(scope="session")
def mail_db(make_database):
    db = Database(make_database("mail"), "mailtest")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA mailtest"))
        create_email_outbox(Operations(MigrationContext.configure(conn)))
    yield db
    db.dispose()


@pytest.fixture
def db(mail_db, notify_standin):
    truncate_all(mail_db)
    notify_standin.reset()
    return mail_db


def make_sender(db, standin, *, timeout=5, **kw) -> EmailSender:
    client = NotificationsAPIClient(standin.api_key, base_url=kw.pop("base_url", standin.url), timeout=timeout)
    kw.setdefault("retry_base_seconds", 0)
    return EmailSender(db, client, {"invitation": standin.templates["invitation"]}, **kw)


def invite(db, to="new.teacher@oakfield.example", reference="invitation-1", commit=True, **personalisation):
    with UnitOfWork(db, producer="mailtest") as uow:
        queued = queue_email(uow, template="invitation", to=to, reference=reference, secret_fields=("accept_url",),
                             personalisation={"organisation_name": "Oakfield Primary", "inviter_name": "Alice",
                                              "role": "an approver", "expires_on": "9 December 2026",
                                              "accept_url": f"http://127.0.0.1:8080/invitations/{TOKEN}",
                                              **personalisation})
        if commit:
            uow.commit()
    return queued


def the_email(db) -> dict:
    [row] = queued_emails(db)
    return row


def send_all(sender, rounds=10) -> None:
    for _ in range(rounds):
        if not sender.send_due():
            return


def test_an_email_queued_in_a_transaction_that_rolls_back_is_never_sent(db, notify_standin):
    invite(db, commit=False)
    assert queued_emails(db) == []
    assert make_sender(db, notify_standin).send_due() == 0
    assert notify_standin.emails() == []


def test_a_committed_email_is_sent_once_and_its_secret_is_removed_from_the_row(db, notify_standin):
    assert invite(db) is True
    queued = the_email(db)
    assert (queued["state"], queued["attempts"], queued["personalisation"]["accept_url"]) == (
        "pending", 0, f"http://127.0.0.1:8080/invitations/{TOKEN}")
    sender = make_sender(db, notify_standin)
    assert sender.send_due() == 1
    assert sender.send_due() == 0

    [email] = notify_standin.emails()
    assert email["email_address"] == "new.teacher@oakfield.example" and email["reference"] == "invitation-1"
    assert f"/invitations/{TOKEN}" in email["body"] and email["template"]["name"] == "invitation"
    row = the_email(db)
    assert (row["state"], row["notify_id"], row["attempts"], row["last_error"]) == ("sent", email["id"], 1, None)
    assert row["sent_at"] is not None
    assert "accept_url" not in row["personalisation"] and row["personalisation"]["organisation_name"] == "Oakfield Primary"
    with db.engine.connect() as conn:
        assert conn.execute(text("select count(*) from email_outbox where personalisation::text like :t"),
                            {"t": f"%{TOKEN}%"}).scalar_one() == 0


def test_the_same_reference_queued_again_is_one_email(db, notify_standin):
    assert invite(db) is True
    assert invite(db, to="someone.else@oakfield.example") is False
    send_all(make_sender(db, notify_standin))
    assert [e["email_address"] for e in notify_standin.emails()] == ["new.teacher@oakfield.example"]


def test_notify_failing_then_recovering_sends_the_email_exactly_once_after_a_back_off(db, notify_standin):
    invite(db)
    notify_standin.fault("500")
    sender = make_sender(db, notify_standin, retry_base_seconds=5)
    assert sender.send_due() == 1
    row = the_email(db)
    assert (row["state"], row["attempts"], row["last_error"]) == ("pending", 1, "500 Internal server error")
    assert sender.send_due() == 0  # not due for 5 s
    with db.engine.begin() as conn:
        delay = conn.execute(text("select extract(epoch from next_attempt_at - now()) from email_outbox")).scalar_one()
        assert 3 < delay <= 5
        conn.execute(update(email_outbox).values(next_attempt_at=text("now()")))  # time passes
    assert sender.send_due() == 1
    assert len(notify_standin.emails()) == 1
    assert (the_email(db)["state"], the_email(db)["attempts"]) == ("sent", 2)


@pytest.mark.parametrize("fault", [{"mode": "429"}, {"mode": "timeout", "seconds": 0.6}])
def test_rate_limited_or_timed_out_sends_are_tried_again(db, notify_standin, fault):
    invite(db)
    notify_standin.fault(**fault)
    sender = make_sender(db, notify_standin, timeout=0.3)
    sender.send_due()
    row = the_email(db)
    assert row["state"] == "pending" and row["last_error"]
    time.sleep(0.4)  # the stand-in finishes holding the timed-out request
    send_all(sender)
    assert the_email(db)["state"] == "sent" and len(notify_standin.emails()) == 1


def test_an_answer_lost_after_notify_accepted_is_not_sent_twice(db, notify_standin):
    invite(db)
    notify_standin.fault("slow", seconds=0.6, requests="send")  # Notify accepts, but answers after we gave up
    sender = make_sender(db, notify_standin, timeout=0.2)
    sender.send_due()
    assert the_email(db)["state"] == "pending"
    time.sleep(0.6)
    [accepted] = notify_standin.emails()
    send_all(sender)
    assert len(notify_standin.emails()) == 1
    assert (the_email(db)["state"], the_email(db)["notify_id"]) == ("sent", accepted["id"])


def test_a_sender_that_dies_between_notifys_answer_and_the_mark_does_not_cause_a_second_email(db, notify_standin):
    invite(db)

    def crash(_row):
        raise SystemExit("killed")

    with pytest.raises(SystemExit):
        make_sender(db, notify_standin, after_send=crash).send_due()
    assert the_email(db)["state"] == "pending"
    successor = make_sender(db, notify_standin)
    assert successor.send_due() == 0  # still leased to the dead sender
    with db.engine.begin() as conn:
        conn.execute(update(email_outbox).values(next_attempt_at=text("now()")))  # the lease runs out
    send_all(successor)
    [email] = notify_standin.emails()
    assert (the_email(db)["state"], the_email(db)["notify_id"]) == ("sent", email["id"])


def test_a_refusal_marks_the_email_failed_with_notifys_message_and_it_is_not_retried(db, notify_standin):
    invite(db, role=None)  # the template needs a role
    failed_before = sender_module.FAILED.labels(template="invitation")._value.get()
    sender = make_sender(db, notify_standin)
    with structlog.testing.capture_logs() as logs:
        assert sender.send_due() == 1
    row = the_email(db)
    assert (row["state"], row["last_error"]) == ("failed", "Missing personalisation: role")
    assert "accept_url" not in row["personalisation"]
    assert sender_module.FAILED.labels(template="invitation")._value.get() == failed_before + 1
    assert [entry["error"] for entry in logs if entry["event"] == "email_refused_by_notify"] == [
        "Missing personalisation: role"]
    with db.engine.begin() as conn:
        conn.execute(update(email_outbox).values(next_attempt_at=text("now()")))
    assert sender.send_due() == 0
    assert notify_standin.emails() == []


def test_a_wrong_api_key_or_no_notify_at_all_delays_emails_but_never_fails_them(db, notify_standin):
    invite(db)
    wrong_key = EmailSender(db, NotificationsAPIClient(f"x-{'1' * 8}-1111-4111-8111-{'1' * 12}-{'2' * 8}-2222-4222-8222-"
                                                       f"{'2' * 12}", base_url=notify_standin.url),
                            {"invitation": notify_standin.templates["invitation"]}, retry_base_seconds=0)
    wrong_key.send_due()
    assert the_email(db)["state"] == "pending" and the_email(db)["last_error"].startswith("403 Invalid token")
    make_sender(db, notify_standin, base_url="http://127.0.0.1:9").send_due()
    assert the_email(db)["state"] == "pending" and "Request failed" in the_email(db)["last_error"]
    send_all(make_sender(db, notify_standin))
    assert the_email(db)["state"] == "sent"


def test_two_senders_at_once_send_each_email_exactly_once(db, notify_standin):
    for n in range(40):
        invite(db, to=f"teacher{n}@oakfield.example", reference=f"invitation-{n}")
    senders = [make_sender(db, notify_standin, batch_size=3) for _ in range(2)]
    tried = [0, 0]

    def run(i):
        while n := senders[i].send_due():
            tried[i] += n

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    references = sorted(e["reference"] for e in notify_standin.emails())
    assert references == sorted(f"invitation-{n}" for n in range(40))
    assert all(row["state"] == "sent" and row["attempts"] == 1 for row in queued_emails(db))
    assert sum(tried) == 40 and all(tried), tried  # both took part


def test_emails_of_a_template_with_no_notify_id_wait(db, notify_standin):
    invite(db)
    sender = EmailSender(db, NotificationsAPIClient(notify_standin.api_key, base_url=notify_standin.url),
                         {"invitation": ""})
    assert sender.send_due() == 0 and sender.unconfigured == ["invitation"]
    assert the_email(db)["state"] == "pending" and the_email(db)["attempts"] == 0


def test_the_secret_is_never_logged(db, notify_standin, caplog):
    invite(db, role=None)
    invite(db, reference="invitation-2")
    notify_standin.fault("500")
    sender = make_sender(db, notify_standin)
    with structlog.testing.capture_logs() as logs:
        send_all(sender)
    assert logs and TOKEN not in repr(logs) and TOKEN not in caplog.text


def test_a_running_sender_wakes_when_an_email_is_committed(db, notify_standin):
    sender = make_sender(db, notify_standin, poll_seconds=3)
    stop = threading.Event()
    thread = threading.Thread(target=sender.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        time.sleep(0.3)  # listening
        invite(db)
        deadline = time.monotonic() + 1.5  # well before its next poll
        while not notify_standin.emails() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(notify_standin.emails()) == 1
    finally:
        stop.set()
        thread.join(10)


def test_without_an_api_key_the_worker_runs_no_sender_and_says_so_once(mail_db):
    with structlog.testing.capture_logs() as logs:
        assert background_runners(EmailSettings.from_env({}), mail_db) == []
    assert [entry["event"] for entry in logs] == ["email_sender_off"]
    [(name, runner)] = background_runners(EmailSettings.from_env({"NOTIFY_API_KEY": f"k-{'1' * 8}-1111-4111-8111-"
                                                                  f"{'1' * 12}-{'2' * 8}-2222-4222-8222-{'2' * 12}"}),
                                          mail_db)
    assert name == "email-sender" and isinstance(runner, EmailSender)
    with structlog.testing.capture_logs() as logs:
        assert background_runners(EmailSettings.from_env({"NOTIFY_API_KEY": "not-a-key"}), mail_db) == []
    assert [(entry["event"], entry["log_level"]) for entry in logs] == [("email_sender_off", "error")]


def test_settings_map_template_names_to_notify_ids_and_build_portal_links():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Sending(EmailSettings):
        notify_template_invitation: str = ""
        notify_template_ect_registered: str = ""

    settings = Sending.from_env({"NOTIFY_TEMPLATE_INVITATION": "abc", "PORTAL_URL": "https://portal.example/"})
    assert settings.email_templates() == {"invitation": "abc", "ect_registered": ""}
    assert settings.portal_link("/invitations/t") == "https://portal.example/invitations/t"
    from datetime import date, datetime

    assert long_date(date(2026, 12, 9)) == "9 December 2026"
    assert long_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"  # in England, BST


def test_secret_fields_must_be_in_the_personalisation(db):
    with UnitOfWork(db, producer="mailtest") as uow, pytest.raises(ValueError):
        queue_email(uow, template="invitation", to="a@oakfield.example", personalisation={"a": 1},
                    secret_fields=("accept_url",))
