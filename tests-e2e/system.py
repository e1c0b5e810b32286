"""The running system as tests see it: the gateway, the demo data and the TRS and Notify stand-ins' test hooks."""
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy" / "local"))

import stack  # noqa: E402


class System:
    def __init__(self, cfg: stack.StackConfig, demo: dict, env: dict):
        self.cfg = cfg
        self.demo = demo
        self.env = env
        self.gateway = cfg.gateway_url
        self.trs = f"http://127.0.0.1:{cfg.port(stack.TRS_STANDIN_OFFSET)}"
        self.notify = f"http://127.0.0.1:{cfg.port(stack.NOTIFY_STANDIN_OFFSET)}"

    def org(self, key: str) -> str:
        return self.demo["organisations"][key]["id"]

    def sign_in(self, email: str) -> dict:
        response = requests.post(f"{self.gateway}/accounts/sign-in/persona", json={"email": email}, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def sign_in_retrying(self, email: str, attempts: int = 60) -> str:
        for _ in range(attempts):
            try:
                response = requests.post(f"{self.gateway}/accounts/sign-in/persona", json={"email": email}, timeout=10)
                if response.status_code == 200:
                    return response.json()["access_token"]
            except requests.RequestException:
                pass
            time.sleep(1)
        raise AssertionError(f"could not sign in as {email}")

    def wait_for_demo_organisations(self, timeout: float = 60) -> None:
        """Registrations learns organisations from accounts' events: wait until it knows the demo school
        (a registration of a TRN TRS does not know then fails on the teacher, not the school)."""
        def school_known():
            try:
                token = self.sign_in("alice@oakfield.example")["access_token"]
                r = requests.post(f"{self.gateway}/registrations/ects", timeout=10, headers={"Authorization": f"Bearer {token}"},
                                  json={"trn": "9999999", "date_of_birth": "1990-01-01", "started_on": "2026-09-01",
                                        "email": "nobody@oakfield.example", "working_pattern": "full_time",
                                        "training_programme": "school_led", "cohort": 2026})
            except requests.RequestException:
                return False
            return r.status_code == 422 and r.json().get("code") == "teacher_not_found"

        eventually(school_known, timeout=timeout, interval=0.3)

    def restore_demo(self) -> None:
        """Put the demo organisations and personas back (a fuzzer acting as an approver removes members)."""
        import subprocess

        subprocess.run([sys.executable, "-m", "accounts", "seed-demo"], env=self.env, check=True, capture_output=True)

    def lp_token(self, name: str) -> str:
        return self.demo["lp_tokens"][name]

    def add_delivery_partner(self, lead_provider: str, delivery_partner: str, *cohorts: int) -> None:
        """Let a demo lead provider partner schools with a demo delivery partner for these cohorts. There is no
        HTTP API for it: operators run `python -m lp_api add-delivery-partner`. Idempotent, so it is harmless
        when the demo data already has the relationship."""
        import subprocess

        command = [sys.executable, "-m", "lp_api", "add-delivery-partner", "--lead-provider-id", self.org(lead_provider),
                   "--delivery-partner-id", self.org(delivery_partner), "--by", "e2e"]
        for cohort in cohorts:
            command += ["--cohort", str(cohort)]
        subprocess.run(command, env=self.env, check=True, capture_output=True)

    def partner(self, school: str = "school-1", cohort: int = 2026, *, lead_provider: str = "lp-1",
                delivery_partner: str = "dp-1", token_name: str = "Northern Lights Teaching") -> None:
        """The lead provider partners the school for the cohort through the delivery partner (v3 POST), so ECTs
        registered there with that lead provider are its participants. Idempotent: "already partnered" is fine."""
        self.add_delivery_partner(lead_provider, delivery_partner, cohort)
        answer = requests.post(f"{self.gateway}/api/v3/partnerships/ecf", timeout=10, json={
            "data": {"type": "ecf-partnership", "attributes": {"cohort": str(cohort), "school_id": self.org(school),
                                                               "delivery_partner_id": self.org(delivery_partner)}}},
            headers={"Authorization": f"Bearer {self.lp_token(token_name)}"})
        assert answer.status_code == 200 or "already" in answer.text, answer.text

    def seed_trs(self, *persons: dict) -> None:
        requests.post(f"{self.trs}/_test/persons", json={"persons": list(persons)}, timeout=5).raise_for_status()

    def emails(self, **query) -> list[dict]:
        """What the services sent through GOV.UK Notify (its stand-in), newest first."""
        return requests.get(f"{self.notify}/_test/emails", params=query, timeout=5).json()["emails"]

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


def start_system(make_database, make_vhost, run_dir: Path, *, gateway_port: int, port_base: int, without=(),
                 scale: dict[str, int] | None = None, env: dict | None = None):
    """Start the whole stack in its own database and vhost (`scale` runs several of a Procfile process, `env`
    overrides settings); returns (System, process, log path)."""
    cfg = stack.StackConfig(database_url=make_database("e2e"), amqp_url=make_vhost("e2e"), gateway_port=gateway_port,
                            port_base=port_base, run_dir=run_dir, web_concurrency=1)
    overrides = env or {}
    env = stack.prepare(cfg)
    # The fuzzer alone sends more than lp-api's 1000 requests per 5 minutes with the demo token; the
    # limit itself is tested in lp-api's own suite.
    env["LP_RATE_LIMIT"] = "1000000"
    env.update(overrides)
    log = run_dir / "stack.log"
    process = stack.start(cfg, env, log_file=log, without=without, scale=scale)
    try:
        stack.wait_ready(cfg, process, timeout=120, skip=without)
        demo = stack.load_demo(cfg, env)
        if "registrations-worker" not in without:
            System(cfg, demo, env).wait_for_demo_organisations()
    except Exception:
        print(log.read_text()[-20000:])
        stack.stop(process)
        raise
    return System(cfg, demo, env), process, log


def session_system(make_database, make_vhost, tmp_path_factory, *, gateway_port: int, port_base: int):
    """A pytest session's whole system, stopped at the end (E2E_SHOW_LOG=1 prints the end of its log)."""
    import os

    system, process, log = start_system(make_database, make_vhost, tmp_path_factory.mktemp("stack"),
                                        gateway_port=gateway_port, port_base=port_base)
    try:
        yield system
    finally:
        stack.stop(process)
        if os.environ.get("E2E_SHOW_LOG"):
            print(log.read_text()[-20000:])
