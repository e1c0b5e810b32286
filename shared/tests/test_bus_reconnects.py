"""kombu's connection handling: a relay and a consumer whose connections the broker drops carry on by themselves."""
import subprocess
import threading
import time

from ecf_shared.bus.relay import OutboxRelay

from conftest import widgets_seen
from test_bus_reliability import count, make_consumer, publish_widget


def drop_connections(amqp_url: str) -> int:
    vhost = amqp_url.rsplit("/", 1)[1]
    pids = subprocess.run(["rabbitmqctl", "-q", "list_connections", "-p", vhost, "pid"], check=True,
                          capture_output=True, text=True).stdout.split()
    pids = [p for p in pids if p.startswith("<")]
    for pid in pids:
        subprocess.run(["rabbitmqctl", "-q", "close_connection", pid, "test: broker dropped it"], check=True)
    return len(pids)


def eventually(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.05)


def test_relay_and_consumer_carry_on_after_the_broker_drops_their_connections(db, amqp_url):
    stop = threading.Event()
    runners = [make_consumer(db, amqp_url), OutboxRelay(db, amqp_url, poll_seconds=0.1)]
    threads = [threading.Thread(target=r.run_forever, args=(stop,), daemon=True) for r in runners]
    for t in threads:
        t.start()
    try:
        publish_widget(db, 41)
        eventually(lambda: count(db, widgets_seen) == 1)
        assert drop_connections(amqp_url) >= 2  # the consumer's and the relay's
        publish_widget(db, 42)
        eventually(lambda: count(db, widgets_seen) == 2)
        assert all(t.is_alive() for t in threads)
    finally:
        stop.set()
        for t in threads:
            t.join(15)
    assert not any(t.is_alive() for t in threads), "the threads did not stop when asked"
