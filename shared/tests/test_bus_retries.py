"""Every retry ends: a database error while the database answers uses up attempts; waiting for a dependency
is capped; waiting for a database that does not answer costs no attempt. Each wait is counted."""
from prometheus_client import REGISTRY
from sqlalchemy.exc import OperationalError

from ecf_shared.bus import amqp
from ecf_shared.bus.consumer import RetryLater, dead_letters
from ecf_shared.testing.harness import publish_all, queue_depth, run_consumer_until

from conftest import widgets_seen
from test_bus_reliability import QUEUE, count, make_consumer, publish_widget, record_widget


def waits(cause: str) -> float:
    return REGISTRY.get_sample_value("ecf_event_waits_total", {"consumer": QUEUE, "cause": cause}) or 0.0


def the_dead_letter(amqp_url) -> dict:
    with amqp.connect(amqp_url) as conn:
        [letter] = dead_letters(conn.channel(), QUEUE)
    return letter


def deadlock():
    return OperationalError("UPDATE widgets_seen ...", {}, Exception("deadlock detected"))


def test_a_database_error_while_the_database_answers_ends_in_the_dead_letter_queue_with_its_reason(db, amqp_url):
    calls = []

    def always_deadlocks(uow, event):
        calls.append(1)
        raise deadlock()

    publish_widget(db, 21)
    publish_all(db, amqp_url)
    run_consumer_until(make_consumer(db, amqp_url, handler=always_deadlocks),
                       lambda: queue_depth(amqp_url, f"{QUEUE}.dlq") == 1)
    assert len(calls) == 3  # max_attempts, as for any other handler error
    letter = the_dead_letter(amqp_url)
    assert "OperationalError" in letter["headers"][amqp.DLQ_REASON]
    assert "deadlock detected" in letter["headers"][amqp.DLQ_REASON]
    assert letter["headers"][amqp.ATTEMPTS] == 3


def test_waiting_for_a_dependency_backs_off_and_ends_in_the_dead_letter_queue_after_the_longest_wait(db, amqp_url):
    calls = []

    def trs_always_down(uow, event):
        calls.append(1)
        raise RetryLater("TRS is down", delay=0.05)

    before = waits("dependency")
    publish_widget(db, 22)
    publish_all(db, amqp_url)
    # delays (0.05, 0.1): waits of 0.05, 0.1 and 0.1 make 0.25s; one more would pass 0.3s
    run_consumer_until(make_consumer(db, amqp_url, handler=trs_always_down, max_wait_seconds=0.3),
                       lambda: queue_depth(amqp_url, f"{QUEUE}.dlq") == 1)
    assert len(calls) == 4
    assert waits("dependency") - before == 3
    headers = the_dead_letter(amqp_url)["headers"]
    assert headers[amqp.WAITS] == 3 and headers[amqp.WAITED_MS] == 250
    assert "TRS is down" in headers[amqp.DLQ_REASON] and "waited" in headers[amqp.DLQ_REASON]
    assert count(db, widgets_seen) == 0


def test_while_the_database_does_not_answer_events_wait_without_using_attempts_and_are_counted(db, amqp_url,
                                                                                                monkeypatch):
    calls = []

    def database_away_four_times(uow, event):
        calls.append(1)
        if len(calls) <= 4:  # more than max_attempts (3): would be dead-lettered if it counted
            raise deadlock()
        record_widget(uow, event)

    def database_away():
        if len(calls) <= 4:
            raise deadlock()

    monkeypatch.setattr(db, "ping", database_away)
    before = waits("database")
    publish_widget(db, 23)
    publish_all(db, amqp_url)
    run_consumer_until(make_consumer(db, amqp_url, handler=database_away_four_times),
                       lambda: count(db, widgets_seen) == 1)
    assert len(calls) == 5
    assert waits("database") - before == 4
    assert queue_depth(amqp_url, f"{QUEUE}.dlq") == 0


def test_the_test_harness_drains_until_no_message_is_waiting_in_a_retry_queue(db, amqp_url):
    """drain() (what every service's tests call) returns only when nothing waits either: a dependency that stays away
    longer than the quiet time (a TRS pause under load) used to let it return with the event still waiting."""
    import time

    from ecf_shared.testing.harness import drain

    until = time.monotonic() + 0.8  # longer than drain's 0.3 s quiet time, in waits of at most 0.1 s
    seen = []

    def away_for_a_while(uow, event):
        if time.monotonic() < until:
            raise RetryLater("TRS paused", delay=0.1)
        record_widget(uow, event)
        seen.append(1)

    publish_widget(db, 24)
    publish_all(db, amqp_url)
    drain(make_consumer(db, amqp_url, handler=away_for_a_while, max_wait_seconds=30))
    assert seen == [1]
