"""The event bus keeps its promises against real PostgreSQL and RabbitMQ."""
import json
import threading
import time

import pika
import pytest
from marshmallow import ValidationError
from sqlalchemy import func, insert, select

from ecf_shared.bus import amqp
from ecf_shared.bus.consumer import Consumer, dead_letters
from ecf_shared.bus.relay import OutboxRelay
from ecf_shared.bus.tables import inbox, outbox
from ecf_shared.testing.harness import drain, publish_all, queue_depth, run_consumer_until
from ecf_shared.uow import UnitOfWork

from conftest import widgets_seen

QUEUE = "bustest-consumer"


def record_widget(uow, event):
    uow.session.execute(insert(widgets_seen).values(widget_id=event.data["widget_id"], name=event.data["name"]))


def make_consumer(db, amqp_url, handler=record_widget, **kw):
    return Consumer(db, amqp_url, consumer=QUEUE, handlers={"bustest.widget.created": handler},
                    retry_delays=(0.05, 0.1), max_attempts=3, **kw)


def publish_widget(db, widget_id=1, commit=True):
    with UnitOfWork(db, producer="bustest") as uow:
        event = uow.publish("bustest.widget.created", {"widget_id": widget_id, "name": f"w{widget_id}"})
        if commit:
            uow.commit()
    return event


def count(db, table):
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def raw_publish(amqp_url, body: bytes, routing_key="bustest.widget.created", message_id="m"):
    with amqp.connect(amqp_url) as conn:
        ch = conn.channel()
        ch.confirm_delivery()
        ch.basic_publish("bustest.events", routing_key, body, pika.BasicProperties(message_id=message_id), mandatory=True)


def test_rolled_back_transaction_publishes_nothing(db, amqp_url):
    with UnitOfWork(db, producer="bustest") as uow:
        uow.publish("bustest.widget.created", {"widget_id": 1, "name": "never"})
        # no commit: leaving the block rolls back
    assert count(db, outbox) == 0
    assert publish_all(db, amqp_url) == 0
    assert queue_depth(amqp_url, QUEUE) == 0


def test_committed_event_is_published_persistent_with_message_id(db, amqp_url):
    event = publish_widget(db, 7)
    assert publish_all(db, amqp_url) == 1
    with amqp.connect(amqp_url) as conn:
        method, props, body = conn.channel().basic_get(QUEUE, auto_ack=True)
    assert props.message_id == event.event_id
    assert props.delivery_mode == 2
    assert method.routing_key == "bustest.widget.created"
    envelope = json.loads(body)
    assert envelope["event_id"] == event.event_id and envelope["data"] == {"widget_id": 7, "name": "w7"}
    assert set(envelope) >= {"type", "version", "occurred_at", "producer", "correlation_id", "actor"}
    with db.engine.connect() as conn:
        assert conn.execute(select(outbox.c.published_at)).scalar_one() is not None


def test_invalid_data_is_refused_before_reaching_the_outbox(db):
    with UnitOfWork(db, producer="bustest") as uow:
        with pytest.raises(ValidationError):
            uow.publish("bustest.widget.created", {"widget_id": "not a number"})
    assert count(db, outbox) == 0


def test_event_without_consumers_is_published_without_mandatory_routing(db, amqp_url):
    with UnitOfWork(db, producer="bustest") as uow:
        uow.publish("bustest.widget.ignored", {"widget_id": 1, "name": "x"})
        uow.commit()
    assert publish_all(db, amqp_url) == 1


def test_unroutable_event_stays_in_the_outbox_with_its_error(db, amqp_url):
    publish_widget(db, 1)
    with amqp.connect(amqp_url) as conn:
        conn.channel().queue_unbind(QUEUE, "bustest.events", "bustest.widget.created")
    try:
        with pytest.raises(Exception, match="unroutable"):
            publish_all(db, amqp_url)
        with db.engine.connect() as conn:
            row = conn.execute(select(outbox)).one()
        assert row.published_at is None and row.attempts == 1 and "unroutable" in row.last_error
    finally:
        with amqp.connect(amqp_url) as conn:
            conn.channel().queue_bind(QUEUE, "bustest.events", "bustest.widget.created")
    assert publish_all(db, amqp_url) == 1


def test_duplicate_delivery_is_a_no_op(db, amqp_url):
    publish_widget(db, 3)
    publish_all(db, amqp_url)
    with db.engine.connect() as conn:
        body = json.dumps(conn.execute(select(outbox.c.body)).scalar_one()).encode()
    raw_publish(amqp_url, body)  # the same event again
    raw_publish(amqp_url, body)
    drain(make_consumer(db, amqp_url))
    assert count(db, widgets_seen) == 1
    assert count(db, inbox) == 1
    assert queue_depth(amqp_url, QUEUE) == 0


def test_handler_failure_is_retried_then_dead_lettered_with_reason(db, amqp_url):
    calls = []

    def explode(uow, event):
        calls.append(event.event_id)
        uow.session.execute(insert(widgets_seen).values(widget_id=99, name="half-done work"))
        raise RuntimeError("the handler broke")

    publish_widget(db, 5)
    publish_all(db, amqp_url)
    consumer = make_consumer(db, amqp_url, handler=explode)
    run_consumer_until(consumer, lambda: queue_depth(amqp_url, f"{QUEUE}.dlq") == 1)
    assert len(calls) == 3  # max_attempts
    assert count(db, widgets_seen) == 0  # each failed attempt rolled back
    assert count(db, inbox) == 0
    with amqp.connect(amqp_url) as conn:
        [letter] = dead_letters(conn.channel(), QUEUE)
    assert "RuntimeError: the handler broke" in letter["headers"][amqp.DLQ_REASON]
    assert letter["headers"][amqp.ATTEMPTS] == 3
    assert letter["headers"][amqp.ORIGINAL_ROUTING_KEY] == "bustest.widget.created"


def test_handler_that_recovers_succeeds_on_retry(db, amqp_url):
    calls = []

    def flaky(uow, event):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("downstream hiccup")
        record_widget(uow, event)

    publish_widget(db, 6)
    publish_all(db, amqp_url)
    run_consumer_until(make_consumer(db, amqp_url, handler=flaky), lambda: count(db, widgets_seen) == 1)
    assert len(calls) == 2
    assert queue_depth(amqp_url, f"{QUEUE}.dlq") == 0


def test_relay_crash_after_publish_republishes_and_consumer_dedupes(db, amqp_url):
    publish_widget(db, 8)

    def crash(_row):
        raise SystemExit("relay killed between publish and mark-sent")

    crashing = OutboxRelay(db, amqp_url, after_publish=crash)
    with pytest.raises(SystemExit):
        crashing.publish_pending()
    crashing.close()
    with db.engine.connect() as conn:
        assert conn.execute(select(outbox.c.published_at)).scalar_one() is None
    assert publish_all(db, amqp_url) == 1  # the restarted relay publishes it again
    assert queue_depth(amqp_url, QUEUE) == 2
    drain(make_consumer(db, amqp_url))
    assert count(db, widgets_seen) == 1


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "body is not JSON"),
    (b'{"hello": "world"}', "invalid envelope"),
    (None, "unknown event type"),
    ("bad-data", "invalid data for bustest.widget.created"),
])
def test_invalid_messages_are_dead_lettered_with_reason(db, amqp_url, body, reason):
    event = publish_widget(db, 9, commit=False)  # only to build a valid envelope
    envelope = event.to_message()
    if body is None:
        envelope["type"] = "bustest.widget.unheard_of"
        body = json.dumps(envelope).encode()
    elif body == "bad-data":
        envelope["data"] = {"widget_id": "nine"}
        body = json.dumps(envelope).encode()
    raw_publish(amqp_url, body)
    run_consumer_until(make_consumer(db, amqp_url), lambda: queue_depth(amqp_url, f"{QUEUE}.dlq") == 1)
    with amqp.connect(amqp_url) as conn:
        [letter] = dead_letters(conn.channel(), QUEUE)
    assert reason in letter["headers"][amqp.DLQ_REASON]
    assert letter["body"] == body
    assert count(db, widgets_seen) == 0


def test_concurrent_relays_publish_each_event_once(db, amqp_url):
    with UnitOfWork(db, producer="bustest") as uow:
        for i in range(300):
            uow.publish("bustest.widget.created", {"widget_id": i, "name": f"w{i}"})
        uow.commit()
    relays = [OutboxRelay(db, amqp_url, batch_size=20) for _ in range(3)]
    threads = [threading.Thread(target=lambda r=r: [None for _ in iter(r.publish_pending, 0)]) for r in relays]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for r in relays:
        r.close()
    assert queue_depth(amqp_url, QUEUE) == 300
    drain(make_consumer(db, amqp_url))
    with db.engine.connect() as conn:
        ids = conn.execute(select(widgets_seen.c.widget_id)).scalars().all()
    assert sorted(ids) == list(range(300))


def test_relay_wakes_on_commit_without_waiting_for_its_poll(db, amqp_url):
    relay = OutboxRelay(db, amqp_url, poll_seconds=30)  # a poll this slow would fail the test
    stop = threading.Event()
    thread = threading.Thread(target=relay.run_forever, args=(stop,), daemon=True)
    thread.start()
    time.sleep(0.5)  # let it LISTEN
    try:
        started = time.monotonic()
        publish_widget(db, 11)
        while queue_depth(amqp_url, QUEUE) == 0:
            assert time.monotonic() - started < 2.0, "relay did not wake on NOTIFY"
            time.sleep(0.02)
    finally:
        stop.set()
        thread.join(5)


def test_retry_later_waits_without_using_up_attempts(db, amqp_url):
    from ecf_shared.bus.consumer import RetryLater

    calls = []

    def dependency_down_four_times(uow, event):
        calls.append(1)
        if len(calls) <= 4:  # more than max_attempts (3): would be dead-lettered if it counted
            raise RetryLater("TRS is down", delay=0.05)
        record_widget(uow, event)

    publish_widget(db, 12)
    publish_all(db, amqp_url)
    run_consumer_until(make_consumer(db, amqp_url, handler=dependency_down_four_times),
                       lambda: count(db, widgets_seen) == 1)
    assert len(calls) == 5
    assert queue_depth(amqp_url, f"{QUEUE}.dlq") == 0
