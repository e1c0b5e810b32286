"""Headers a stranger wrote neither stop the consumer nor change what happens to the event."""
import json

import pika
from sqlalchemy import select

from ecf_shared.bus import amqp
from ecf_shared.bus.tables import outbox
from ecf_shared.bus.consumer import dead_letters
from ecf_shared.testing.harness import queue_depth, run_consumer_until

from conftest import widgets_seen
from test_bus_reliability import QUEUE, count, make_consumer, publish_widget


def publish_with_headers(db, amqp_url, headers: dict, widget_id: int) -> None:
    publish_widget(db, widget_id)
    with db.engine.connect() as conn:
        body = json.dumps(conn.execute(select(outbox.c.body)).scalar_one()).encode()
    with amqp.connect(amqp_url) as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish("bustest.events", "bustest.widget.created", body,
                              pika.BasicProperties(message_id="m", headers=headers), mandatory=True)


def test_an_attempts_header_that_is_not_a_number_counts_as_none(db, amqp_url):
    publish_with_headers(db, amqp_url, {amqp.ATTEMPTS: "lots", amqp.WAITS: -5, amqp.WAITED_MS: "forever"}, 31)
    run_consumer_until(make_consumer(db, amqp_url), lambda: count(db, widgets_seen) == 1)


def test_a_compression_the_body_does_not_have_is_dead_lettered_with_the_reason(db, amqp_url):
    publish_with_headers(db, amqp_url, {"compression": "application/x-gzip"}, 32)
    run_consumer_until(make_consumer(db, amqp_url), lambda: queue_depth(amqp_url, f"{QUEUE}.dlq") == 1)
    assert count(db, widgets_seen) == 0
    assert queue_depth(amqp_url, QUEUE) == 0
    with amqp.connect(amqp_url) as conn:
        [letter] = dead_letters(conn.channel(), QUEUE)
    assert "decode error" in letter["headers"][amqp.DLQ_REASON]
