"""A worker process whose relay or consumer thread dies exits non-zero, so its supervisor starts it again."""
import os
import subprocess
import sys

import pytest

from test_bus_reliability import raw_publish

WORKER = """
import sys
from pathlib import Path

from ecf_shared.bus.consumer import Consumer
from ecf_shared.bus.relay import OutboxRelay
from ecf_shared.service import ServiceDefinition, main
from ecf_shared.settings import Settings


def broken(*_args, **_kwargs):
    raise RuntimeError("a bug in the worker thread's work")


setattr({cls}, {method!r}, broken)
definition = ServiceDefinition(name="bustest-consumer", package="bustest", settings_cls=Settings,
                               migrations=Path("."),
                               handlers=lambda settings, db: {{"bustest.widget.created": lambda uow, event: None}})
sys.exit(main(definition, ["worker"]))
"""


@pytest.mark.parametrize("thread, cls, method", [
    ("relay", "OutboxRelay", "publish_pending"),
    ("consumer", "Consumer", "handle_message"),
])
def test_a_worker_whose_thread_dies_exits_non_zero(db, amqp_url, thread, cls, method):
    raw_publish(amqp_url, b"{}")  # something for the consumer to work on
    env = {**os.environ, "DATABASE_URL": db.url, "DB_SCHEMA": "bustest", "AMQP_URL": amqp_url,
           "LOG_FORMAT": "console", "CONSUMER_RETRY_DELAYS": "0.05,0.1"}
    env.pop("METRICS_PORT", None)
    worker = subprocess.Popen([sys.executable, "-c", WORKER.format(cls=cls, method=method)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
        pytest.fail(f"the worker carried on after its {thread} thread died:\n{output[-3000:]}")
    assert worker.returncode != 0, output[-3000:]
    assert "worker_thread_died" in output and "a bug in the worker thread's work" in output
