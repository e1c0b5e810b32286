"""The local run: prepare (database, migrations, topology, keys, gateway config), start every process
under honcho with the Procfile, wait until the gateway answers for every service, load demo data.

Used by `make up` and by the end-to-end tests (with other ports, another database and a vhost).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [  # (service, package, port offset)
    ("accounts", "accounts", 1),
    ("registrations", "registrations", 2),
    ("inductions", "inductions", 3),
    ("trs-sync", "trs_sync", 4),
    ("lp-api", "lp_api", 5),
    ("portal", "portal", 6),
]
TRS_STANDIN_OFFSET = 10
DSI_STANDIN_OFFSET = 11
NOTIFY_STANDIN_OFFSET = 12
NOTIFY_STANDIN = ROOT / "deploy" / "stand-ins" / "notify"


@dataclass
class StackConfig:
    database_url: str = "postgresql://postgres@127.0.0.1:5432/ecf"
    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/%2F"
    gateway_port: int = 8080
    port_base: int = 8000
    run_dir: Path = ROOT / ".run"
    web_concurrency: int = 2
    log_level: str = "INFO"

    @classmethod
    def from_env(cls) -> StackConfig:
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL", cls.database_url),
            amqp_url=env.get("AMQP_URL", cls.amqp_url),
            gateway_port=int(env.get("GATEWAY_PORT", cls.gateway_port)),
            port_base=int(env.get("PORT_BASE", cls.port_base)),
            run_dir=Path(env.get("RUN_DIR", str(cls.run_dir))),
            web_concurrency=int(env.get("WEB_CONCURRENCY", cls.web_concurrency)),
        )

    def port(self, offset: int) -> int:
        return self.port_base + offset

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def local_secrets(self) -> dict:
        """The portal's secret key and sign-in client secret for this run directory (made once, kept in a file
        so that restarting keeps people signed in)."""
        path = self.run_dir / "portal-secrets.json"
        if not path.exists():
            import secrets

            self.run_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"secret_key": secrets.token_urlsafe(48),
                                        "signin_client_secret": secrets.token_urlsafe(32)}))
            path.chmod(0o600)
        return json.loads(path.read_text())

    def env(self) -> dict:
        """The environment every process of the stack gets."""
        env = dict(os.environ)
        local = self.local_secrets()
        for var in ("DB_SCHEMA", "PORT", "SERVICE_NAME"):
            env.pop(var, None)
        accounts = f"http://127.0.0.1:{self.port(1)}"
        env.update({
            "ENVIRONMENT": "local",  # development values for secrets (e.g. TRS_API_KEY) are allowed here only
            "DATABASE_URL": self.database_url,
            "AMQP_URL": self.amqp_url,
            "RUN_DIR": str(self.run_dir),
            "WEB_CONCURRENCY": str(self.web_concurrency),
            "LOG_LEVEL": self.log_level,
            "BIND_HOST": "127.0.0.1",
            "JWKS_URL": f"{accounts}/.well-known/jwks.json",
            "JWT_PRIVATE_KEY_FILE": str(self.run_dir / "jwt-private.pem"),
            "PERSONA_SIGNIN_ENABLED": "1",
            "PUBLIC_BASE_URL": f"{self.gateway_url}/accounts",
            "TRS_SYNC_URL": f"http://127.0.0.1:{self.port(4)}",
            "TRS_API_URL": f"http://127.0.0.1:{self.port(TRS_STANDIN_OFFSET)}",
            "TRS_API_KEY": "dev-trs-key",
            "TRS_STANDIN_PORT": str(self.port(TRS_STANDIN_OFFSET)),
            "DSI_ISSUER_URL": f"http://127.0.0.1:{self.port(DSI_STANDIN_OFFSET)}",
            "DSI_CLIENT_ID": "ecf-local",
            "DSI_CLIENT_SECRET": "ecf-local-dsi-client-secret-not-for-production",
            "DSI_STANDIN_PORT": str(self.port(DSI_STANDIN_OFFSET)),
            "DSI_SEED_FILE": str(ROOT / "deploy" / "stand-ins" / "dsi" / "demo-seed.json"),
            "SCENARIOS_ENABLED": "1",
            # The portal: a client of the services through the gateway, signed in through accounts.
            "GATEWAY_URL": self.gateway_url,
            "PUBLIC_URL": self.gateway_url,
            "SECRET_KEY": local["secret_key"],
            "SIGNIN_CLIENT_ID": "portal",
            "SIGNIN_CLIENT_SECRET": local["signin_client_secret"],
            "SIGNIN_REDIRECT_URIS": f"{self.gateway_url}/sign-in/callback",
            "NOTIFY_STANDIN_PORT": str(self.port(NOTIFY_STANDIN_OFFSET)),
            "NOTIFY_EMAILS_URL": f"http://127.0.0.1:{self.port(NOTIFY_STANDIN_OFFSET)}/",
            **notify_env(f"http://127.0.0.1:{self.port(NOTIFY_STANDIN_OFFSET)}"),
            "PORTAL_URL": self.gateway_url,  # the portal is served at the gateway's root; emails link to it
            # The DfE Sign-in and Notify stand-ins run from the work tree even where they are not pip-installed.
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "deploy" / "stand-ins" / "dsi"), str(NOTIFY_STANDIN),
                                                      env.get("PYTHONPATH", "")) if p),
            "LP_TOKEN_HASH_KEY": env.get("LP_TOKEN_HASH_KEY", "local-only-lp-token-hash-key"),
            "PATH": f"{Path(sys.executable).parent}:/usr/sbin:{env.get('PATH', '')}",
        })
        for name, _pkg, offset in SERVICES:
            env[f"{name.upper().replace('-', '_')}_PORT"] = str(self.port(offset))
        return env


def notify_env(base_url: str) -> dict:
    """The services send through the Notify stand-in with its local key and the template ids it holds."""
    if str(NOTIFY_STANDIN) not in sys.path:
        sys.path.append(str(NOTIFY_STANDIN))
    from notify_standin.settings import LOCAL_API_KEY

    templates = json.loads((NOTIFY_STANDIN / "notify_standin" / "templates.json").read_text())["templates"]
    return {"NOTIFY_API_KEY": LOCAL_API_KEY, "NOTIFY_BASE_URL": base_url,
            **{f"NOTIFY_TEMPLATE_{t['name'].upper()}": t["id"] for t in templates}}


def _say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def check_servers(cfg: StackConfig) -> None:
    import pika
    import psycopg

    from ecf_shared.db import libpq_url

    admin = urlunsplit(urlsplit(libpq_url(cfg.database_url))._replace(path="/postgres"))
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except psycopg.Error as exc:
        sys.exit(f"PostgreSQL is not reachable at {cfg.database_url}: {str(exc).strip()}\n"
                 "Start it (e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main start`) or set DATABASE_URL.")
    try:
        pika.BlockingConnection(pika.URLParameters(cfg.amqp_url)).close()
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        sys.exit(f"RabbitMQ is not reachable at {cfg.amqp_url}: {exc or type(exc).__name__}\n"
                 "Start it (e.g. `rabbitmq-server -detached`) or set AMQP_URL.")


def create_database(cfg: StackConfig) -> None:
    import psycopg

    from ecf_shared.db import libpq_url

    url = urlsplit(libpq_url(cfg.database_url))
    name = url.path.lstrip("/")
    admin = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            _say(f"created database {name}")


def prepare(cfg: StackConfig) -> dict:
    check_servers(cfg)
    create_database(cfg)
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    env = cfg.env()
    python = sys.executable
    key_env = {k: v for k, v in env.items() if k != "JWT_PRIVATE_KEY_FILE"}  # the file is what it makes
    subprocess.run([python, "-m", "accounts", "generate-key", str(cfg.run_dir / "jwt-private.pem")], env=key_env,
                   check=True, stdout=subprocess.DEVNULL)
    for _name, pkg, _ in SERVICES:
        subprocess.run([python, "-m", pkg, "migrate"], env=env, check=True)
    subprocess.run([str(Path(python).with_name("ecf-bus")), "declare"], env=env, check=True)
    sys.path.insert(0, str(ROOT / "deploy" / "nginx"))
    from render import render  # deploy/nginx/render.py: the one gateway config, rendered for this run

    render(cfg.run_dir / "nginx", cfg.gateway_port, {
        "accounts": f"127.0.0.1:{cfg.port(1)}", "registrations": f"127.0.0.1:{cfg.port(2)}",
        "inductions": f"127.0.0.1:{cfg.port(3)}", "trs_sync": f"127.0.0.1:{cfg.port(4)}",
        "lp_api": f"127.0.0.1:{cfg.port(5)}", "portal": f"127.0.0.1:{cfg.port(6)}"})
    return env


def procfile_names() -> list[str]:
    return [line.split(":", 1)[0] for line in (ROOT / "Procfile").read_text().splitlines() if ":" in line]


def start(cfg: StackConfig, env: dict, *, log_file: Path | None = None, without: tuple[str, ...] = (),
          scale: dict[str, int] | None = None) -> subprocess.Popen:
    """Start the Procfile's processes under honcho (all but `without`, which a caller runs itself); `scale` runs
    several of a process, e.g. {"lp-api-worker": 2} (competing consumers on the service's queue, as ops scale it)."""
    honcho = str(Path(sys.executable).with_name("honcho"))
    out = open(log_file, "ab") if log_file else None
    names = [n for n in procfile_names() if n not in without] if without else []
    concurrency = ["-c", ",".join(f"{name}={count}" for name, count in scale.items())] if scale else []
    return subprocess.Popen([honcho, "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT), *concurrency, *names],
                            env=env, stdout=out, stderr=subprocess.STDOUT if out else None, start_new_session=True)


def wait_ready(cfg: StackConfig, process: subprocess.Popen | None = None, timeout: float = 90, skip=()) -> None:
    pending = [f"http://127.0.0.1:{cfg.port(offset)}/ready" for name, _, offset in SERVICES if f"{name}-web" not in skip]
    pending += [f"{cfg.gateway_url}/health", f"http://127.0.0.1:{cfg.port(TRS_STANDIN_OFFSET)}/_test/requests"]
    if "dsi-standin" not in skip:
        pending.append(f"http://127.0.0.1:{cfg.port(DSI_STANDIN_OFFSET)}/health")
    if "notify-standin" not in skip:
        pending.append(f"http://127.0.0.1:{cfg.port(NOTIFY_STANDIN_OFFSET)}/_status")
    deadline = time.monotonic() + timeout
    while pending:
        if process is not None and process.poll() is not None:
            raise RuntimeError("the stack stopped while starting; see its output above")
        if time.monotonic() > deadline:
            raise TimeoutError(f"not ready after {timeout}s: {', '.join(pending)}")
        for url in list(pending):
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    pending.remove(url)
            except requests.RequestException:
                pass
        time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


DEMO_TEACHERS = [
    {"trn": "3000001", "firstName": "Grace", "lastName": "Hopper", "dateOfBirth": "1996-12-09", "qtsDate": "2026-07-15"},
    {"trn": "3000002", "firstName": "Alan", "lastName": "Turing", "dateOfBirth": "1995-06-23", "qtsDate": "2026-07-15"},
    {"trn": "3000003", "firstName": "Katherine", "lastName": "Johnson", "dateOfBirth": "1997-08-26", "qtsDate": "2026-07-15"},
    {"trn": "3000004", "firstName": "Mary", "lastName": "Jackson", "dateOfBirth": "1994-04-09", "qtsDate": None},
]


def load_demo(cfg: StackConfig, env: dict) -> dict:
    python = sys.executable
    seeded = json.loads(subprocess.run([python, "-m", "accounts", "seed-demo"], env=env, check=True,
                                       capture_output=True, text=True).stdout)
    requests.post(f"http://127.0.0.1:{cfg.port(TRS_STANDIN_OFFSET)}/_test/persons", json={"persons": DEMO_TEACHERS},
                  timeout=5).raise_for_status()
    lp_tokens = {}
    for key in ("lp-1", "lp-2"):
        org = seeded["organisations"][key]
        out = subprocess.run([python, "-m", "lp_api", "create-token", "--lead-provider-id", org["id"], "--name", "demo"],
                             env=env, check=True, capture_output=True, text=True).stdout
        lp_tokens[org["name"]] = out.strip().splitlines()[-1].split()[-1]
    # Both demo lead providers work with the demo delivery partner, so partnerships can be created in the demo (and
    # the delivery partner's users see two lead providers).
    for lead_provider in ("lp-1", "lp-2"):
        subprocess.run([python, "-m", "lp_api", "add-delivery-partner",
                        "--lead-provider-id", seeded["organisations"][lead_provider]["id"],
                        "--delivery-partner-id", seeded["organisations"]["dp-1"]["id"],
                        "--cohort", "2025", "--cohort", "2026", "--by", "demo"],
                       env=env, check=True, capture_output=True, text=True)
    return {"personas": seeded["personas"], "organisations": seeded["organisations"], "lp_tokens": lp_tokens}


DEMO_PARTNERSHIPS = [("lp-1", "school-1"), ("lp-2", "school-2")]  # (lead provider, school), 2026, through dp-1


def partner_demo(cfg: StackConfig, demo: dict) -> None:
    """The local run's demo lead provider (Northern Lights Teaching) partners Oakfield for 2026 through the demo
    delivery partner, so an ECT registered there with it is one of its v3 participants (the banner's "Try" ends
    with the participant in the lead provider API); Brightside Learning partners Riverside through the same delivery
    partner, so Delta Partners' users see two lead providers. The tests start without them: they partner schools
    themselves."""
    organisations = demo["organisations"]
    for lead_provider, school in DEMO_PARTNERSHIPS:
        token = demo["lp_tokens"][organisations[lead_provider]["name"]]
        deadline = time.monotonic() + 30  # lp-api learns the demo organisations from accounts' events
        while True:
            answer = requests.post(f"{cfg.gateway_url}/api/v3/partnerships/ecf", timeout=10,
                                   headers={"Authorization": f"Bearer {token}"},
                                   json={"data": {"type": "ecf-partnership", "attributes": {
                                       "cohort": "2026", "school_id": organisations[school]["id"],
                                       "delivery_partner_id": organisations["dp-1"]["id"]}}})
            if answer.status_code == 200 or "already" in answer.text:
                break
            if answer.status_code != 422 or time.monotonic() > deadline:
                raise RuntimeError(f"the demo partnership was refused: {answer.status_code} {answer.text[:300]}")
            time.sleep(0.5)


def banner(cfg: StackConfig, demo: dict) -> str:
    g = cfg.gateway_url
    lines = ["", "ECF early career teacher services are running.", "",
             f"  Open {g}/ in a browser and sign in (choose \"Sign in as a demo persona\", or DfE Sign-in's stand-in).",
             "",
             f"  Gateway            {g}",
             f"  accounts           {g}/accounts/openapi.json",
             f"  registrations      {g}/registrations/openapi.json",
             f"  inductions         {g}/inductions/openapi.json",
             f"  trs-sync           {g}/trs-sync/openapi.json",
             f"  lead provider API  {g}/api/v3/participants/ecf   (v3 document: {g}/api/v3/openapi.json)",
             f"  lp-api (web pages) {g}/lp-api/openapi.json",
             f"  TRS stand-in       http://127.0.0.1:{cfg.port(TRS_STANDIN_OFFSET)}",
             f"  Emails sent (GOV.UK Notify stand-in): http://127.0.0.1:{cfg.port(NOTIFY_STANDIN_OFFSET)}/", "",
             "Demo personas (sign in with POST /accounts/sign-in/persona {\"email\": ...}):"]
    lines += [f"  {p['email']:<28} {p['note']}" for p in demo["personas"]]
    lines += ["", "Demo lead provider API tokens:"]
    lines += [f"  {name:<28} {token}" for name, token in demo["lp_tokens"].items()]
    lines += ["", "Demo teachers in the TRS stand-in (TRN, date of birth):"]
    lines += [f"  {t['trn']}  {t['dateOfBirth']}  {t['firstName']} {t['lastName']}" for t in DEMO_TEACHERS]
    lines += ["", "Try:",
              f"  TOKEN=$(curl -s -X POST {g}/accounts/sign-in/persona -H 'Content-Type: application/json' "
              "-d '{\"email\":\"alice@oakfield.example\"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)[\"access_token\"])')",
              f"  curl -s -X POST {g}/registrations/ects -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\",
              "    -d '{\"trn\":\"3000001\",\"date_of_birth\":\"1996-12-09\",\"started_on\":\"2026-09-01\","
              "\"email\":\"grace@oakfield.example\","
              "\"working_pattern\":\"full_time\",\"training_programme\":\"provider_led\",\"lead_provider_id\":\""
              + demo["organisations"]["lp-1"]["id"] + "\",\"cohort\":2026}'",
              f"  curl -s {g}/api/v3/participants/ecf -H \"Authorization: Bearer {next(iter(demo['lp_tokens'].values()))}\"",
             "  (Northern Lights Teaching partners Oakfield for 2026 in the demo, so Grace Hopper is one of its",
             "  participants a moment after she is registered.)",
              "", "Press Ctrl-C to stop everything.", ""]
    return "\n".join(lines)


def _exit_on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def main() -> int:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit_on_signal)  # so the finally below stops every process it started
    cfg = StackConfig.from_env()
    env = prepare(cfg)
    process = start(cfg, env)
    try:
        wait_ready(cfg, process)
        demo = load_demo(cfg, env)
        partner_demo(cfg, demo)
        print(banner(cfg, demo), flush=True)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop(process)


if __name__ == "__main__":
    sys.exit(main())
