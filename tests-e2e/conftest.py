"""The whole system, started as the local run starts it (honcho + Procfile + nginx), on its own ports,
in its own database and vhost. Tests talk to it only through the gateway (and to the TRS stand-in's
test hooks, because TRS is not ours)."""
import os
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import stack  # noqa: E402


class System:
    def __init__(self, cfg: stack.StackConfig, demo: dict):
        self.cfg = cfg
        self.demo = demo
        self.gateway = cfg.gateway_url
        self.trs = f"http://127.0.0.1:{cfg.port(stack.TRS_STANDIN_OFFSET)}"

    def org(self, key: str) -> str:
        return self.demo["organisations"][key]["id"]

    def sign_in(self, email: str) -> dict:
        response = requests.post(f"{self.gateway}/accounts/sign-in/persona", json={"email": email}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def lp_token(self, name: str) -> str:
        return self.demo["lp_tokens"][name]

    def seed_trs(self, *persons: dict) -> None:
        requests.post(f"{self.trs}/_test/persons", json={"persons": list(persons)}, timeout=5).raise_for_status()

    def trs_puts(self, trn: str | None = None) -> list[dict]:
        found = requests.get(f"{self.trs}/_test/requests", timeout=5).json()["requests"]
        return [r for r in found if trn is None or r["trn"] == trn]


def eventually(check, timeout: float = 20.0, interval: float = 0.2):
    """Poll until `check()` returns something truthy; the value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


@pytest.fixture(scope="session")
def system(make_database, make_vhost, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("stack")
    cfg = stack.StackConfig(database_url=make_database("e2e"), amqp_url=make_vhost("e2e"),
                            gateway_port=int(os.environ.get("E2E_GATEWAY_PORT", "18080")),
                            port_base=int(os.environ.get("E2E_PORT_BASE", "18000")), run_dir=run_dir,
                            web_concurrency=1)
    env = stack.prepare(cfg)
    log = run_dir / "stack.log"
    process = stack.start(cfg, env, log_file=log)
    try:
        try:
            stack.wait_ready(cfg, process, timeout=120)
        except Exception:
            print(log.read_text()[-20000:])
            raise
        yield System(cfg, stack.load_demo(cfg, env))
    finally:
        stack.stop(process)
        if os.environ.get("E2E_SHOW_LOG"):
            print(log.read_text()[-20000:])
