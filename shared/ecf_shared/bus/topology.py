"""The broker topology, derived from the event catalogue, declared by one idempotent command.

- one durable topic exchange per publishing service (`<service>.events`), routing key = event type;
- one durable quorum queue per consuming service, bound to the event types it consumes; replicas compete;
- per consumer: retry queues (one per back-off delay, TTL then back to the main queue, quorum queues
  dead-lettering at least once),
  a dead-letter exchange and a dead-letter queue.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kombu import Exchange, Queue

from ecf_shared import contracts
from ecf_shared.bus.amqp import dead_letter_exchange, dead_letter_queue, queue_name, retry_queue

# Dead-lettering is at-most-once unless the source is a quorum queue with this strategy: without it a
# message whose retry delay ends while the broker restarts can be dropped on its way back.
AT_LEAST_ONCE = {"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}

DELIVERY_LIMIT = 20  # the broker's own backstop for messages that crash the consumer before it can ack


@dataclass
class Topology:
    exchanges: list[dict] = field(default_factory=list)
    queues: list[dict] = field(default_factory=list)
    bindings: list[dict] = field(default_factory=list)


def build(retry_delays: tuple[float, ...]) -> Topology:
    topo = Topology()
    for producer in contracts.producers():
        topo.exchanges.append({"name": contracts.exchange_for(producer), "type": "topic"})
    for consumer in contracts.consumers():
        main = queue_name(consumer)
        dlx = dead_letter_exchange(consumer)
        topo.exchanges.append({"name": dlx, "type": "direct"})
        topo.queues.append({"name": main, "arguments": {
            "x-queue-type": "quorum", "x-dead-letter-exchange": dlx, "x-dead-letter-routing-key": consumer,
            "x-delivery-limit": DELIVERY_LIMIT, **AT_LEAST_ONCE}})
        topo.queues.append({"name": dead_letter_queue(consumer), "arguments": {"x-queue-type": "quorum"}})
        topo.bindings.append({"source": dlx, "destination": dead_letter_queue(consumer), "routing_key": consumer})
        for delay in retry_delays:
            topo.queues.append(retry_queue_spec(consumer, delay))
        for c in contracts.consumed_by(consumer):
            topo.bindings.append({"source": contracts.exchange_for(c.producer), "destination": main, "routing_key": c.type})
    return topo


def retry_queue_spec(consumer: str, delay: float) -> dict:
    return {"name": retry_queue(consumer, delay), "arguments": {
        "x-queue-type": "quorum", "x-message-ttl": int(round(delay * 1000)),
        "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue_name(consumer), **AT_LEAST_ONCE}}


def declare(channel, topo: Topology) -> None:
    """Declare `topo` on a kombu channel (idempotent: the same names and arguments as the broker already has)."""
    for ex in topo.exchanges:
        Exchange(ex["name"], type=ex["type"], durable=True, channel=channel).declare()
    for q in topo.queues:
        declare_queue(channel, q)
    for b in topo.bindings:
        Queue(b["destination"], channel=channel).bind_to(exchange=b["source"], routing_key=b["routing_key"])


def declare_queue(channel, spec: dict) -> None:
    Queue(spec["name"], durable=True, queue_arguments=spec["arguments"], channel=channel).queue_declare()


def definitions(topo: Topology, vhost: str = "/") -> dict:
    """The same topology in RabbitMQ's definitions format (deploy/rabbitmq/definitions.json)."""
    return {
        "rabbit_version": "3.10.8",
        "vhosts": [{"name": vhost}],
        "users": [],
        "permissions": [],
        "exchanges": [{"name": e["name"], "vhost": vhost, "type": e["type"], "durable": True,
                       "auto_delete": False, "internal": False, "arguments": {}} for e in topo.exchanges],
        "queues": [{"name": q["name"], "vhost": vhost, "durable": True, "auto_delete": False,
                    "arguments": q["arguments"]} for q in topo.queues],
        "bindings": [{"source": b["source"], "vhost": vhost, "destination": b["destination"],
                      "destination_type": "queue", "routing_key": b["routing_key"], "arguments": {}}
                     for b in topo.bindings],
    }
