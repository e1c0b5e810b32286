import pytest
from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, String, Table, text

from ecf_shared import contracts
from ecf_shared.bus.tables import metadata as bus_metadata
from ecf_shared.db import Database
from ecf_shared.testing.harness import declare_topology, truncate_all


class WidgetSchema(Schema):
    widget_id = fields.Integer(required=True)
    name = fields.String(required=True)


contracts.register(
    contracts.Contract("bustest.widget.created", 1, "bustest", ("bustest-consumer",), WidgetSchema, "test only"),
    contracts.Contract("bustest.widget.ignored", 1, "bustest", (), WidgetSchema, "test only, no consumer"),
)

app_metadata = MetaData()
widgets_seen = Table("widgets_seen", app_metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                     Column("widget_id", Integer, nullable=False), Column("name", String(100)))


@pytest.fixture(scope="session")
def bus_env(make_database, make_vhost):
    url = make_database("bus")
    db = Database(url, "bustest")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA bustest"))
    bus_metadata.create_all(db.engine)
    app_metadata.create_all(db.engine)
    amqp_url = make_vhost("bus")
    declare_topology(amqp_url, retry_delays=(0.05, 0.1))
    yield db, amqp_url
    db.dispose()


@pytest.fixture
def db(bus_env):
    db, amqp_url = bus_env
    truncate_all(db)
    from ecf_shared.bus import amqp

    with amqp.connect(amqp_url) as conn:
        ch = conn.channel()
        for q in ("bustest-consumer", "bustest-consumer.dlq"):
            ch.queue_purge(q)
    return db


@pytest.fixture
def amqp_url(bus_env):
    return bus_env[1]
