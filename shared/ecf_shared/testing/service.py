"""One service under test: its own database and vhost, migrated, with its app and in-process worker."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from collections.abc import Callable

import pika
from sqlalchemy import select

from ecf_shared.bus import amqp
from ecf_shared.bus.consumer import Consumer
from ecf_shared.bus.tables import outbox
from ecf_shared.db import Database
from ecf_shared.events.envelope import new_event
from ecf_shared.migrations import upgrade
from ecf_shared.service import ServiceDefinition
from ecf_shared.settings import Settings
from ecf_shared.testing.harness import declare_topology, drain, publish_all, truncate_all

TEST_RETRY_DELAYS = (0.05, 0.1)


@dataclass
class ServiceUnderTest:
    defn: ServiceDefinition
    settings: Settings
    db: Database
    app: object

    @property
    def client(self):
        return self.app.test_client()

    def consumer(self, handlers: dict | None = None) -> Consumer:
        return Consumer(self.db, self.settings.amqp_url, consumer=self.defn.name,
                        handlers=handlers if handlers is not None else self.defn.handlers(self.settings, self.db),
                        retry_delays=TEST_RETRY_DELAYS, max_attempts=3)

    def publish_outbox(self) -> int:
        return publish_all(self.db, self.settings.amqp_url)

    def outbox_events(self, event_type: str | None = None) -> list[dict]:
        query = select(outbox.c.body).order_by(outbox.c.id)
        if event_type:
            query = query.where(outbox.c.event_type == event_type)
        with self.db.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def send(self, event_type: str, data: dict, *, producer: str | None = None, actor=None,
             occurred_at: datetime | None = None) -> dict:
        """Publish an event as its producer would, onto the real broker (saying it happened at `occurred_at`)."""
        from ecf_shared.contracts import contract_for, exchange_for

        producer = producer or contract_for(event_type).producer
        event = new_event(event_type, data, producer=producer, actor=actor, occurred_at=occurred_at)
        body = event.to_message()
        with amqp.connect(self.settings.amqp_url, name="test-send") as conn:
            channel = conn.channel()
            channel.confirm_delivery()
            channel.basic_publish(exchange_for(producer), event_type, json.dumps(body).encode(),
                                  pika.BasicProperties(message_id=event.event_id, delivery_mode=2), mandatory=True)
        return body

    def consume(self, **kw) -> None:
        drain(self.consumer(), **kw)

    def reset(self) -> None:
        truncate_all(self.db)
        with amqp.connect(self.settings.amqp_url, name="test-reset") as conn:
            channel = conn.channel()
            for queue in (self.defn.name, f"{self.defn.name}.dlq"):
                try:
                    channel.queue_purge(queue)
                except pika.exceptions.ChannelClosedByBroker:
                    channel = conn.channel()


def start_service(defn: ServiceDefinition, create_app: Callable[[Settings], object], *, make_database, make_vhost,
                  token_issuer, **overrides) -> ServiceUnderTest:
    database_url = make_database(defn.package)
    amqp_url = make_vhost(defn.package)
    settings = defn.settings_cls.from_env(
        {}, service_name=defn.name, database_url=database_url, amqp_url=amqp_url,
        jwks_json=token_issuer.jwks_json, jwt_issuer=token_issuer.issuer, jwt_audience=token_issuer.audience,
        consumer_retry_delays=TEST_RETRY_DELAYS, **overrides,
    )
    upgrade(settings.database_url, settings.db_schema, defn.migrations)
    declare_topology(amqp_url, TEST_RETRY_DELAYS)
    app = create_app(settings)
    app.testing = True
    return ServiceUnderTest(defn=defn, settings=settings, db=app.extensions["ecf"].db, app=app)
