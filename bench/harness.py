"""Start a private copy of the whole system for a benchmark or load run, and measure things against it."""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests-e2e"))
sys.path.insert(0, str(ROOT / "deploy" / "nginx"))

from system import System, stack  # noqa: E402

SERVER_DB = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SERVER_AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def _admin(url: str) -> str:
    from ecf_shared.db import libpq_url

    base = libpq_url(url)
    return base[: base.rindex("/")] + "/postgres"


@contextlib.contextmanager
def running_system(name: str = "bench", *, port_base: int = 38000, gateway_port: int = 38080, extra_env: dict | None = None,
                   scale: dict[str, int] | None = None):
    """The whole stack (as `make up` runs it) in a throwaway database and vhost; removed afterwards."""
    suffix = uuid.uuid4().hex[:8]
    db_name, vhost = f"{name}_{suffix}", f"{name}-{suffix}"
    database_url = SERVER_DB[: SERVER_DB.rindex("/")] + "/" + db_name
    amqp_url = SERVER_AMQP[: SERVER_AMQP.rindex("/")] + "/" + vhost
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True)
    run_dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    cfg = stack.StackConfig(database_url=database_url, amqp_url=amqp_url, gateway_port=gateway_port,
                            port_base=port_base, run_dir=run_dir, web_concurrency=2)
    cfg.log_level = "WARNING"
    process = None
    try:
        env = stack.prepare(cfg)
        # The propagation watcher polls lp-api every 20 ms (to time arrivals to the millisecond), far beyond a lead
        # provider's 1000 requests per 5 minutes: it would be answered 429 and see nothing.
        env["LP_RATE_LIMIT"] = "100000000"
        env.update(extra_env or {})
        process = stack.start(cfg, env, log_file=run_dir / "stack.log", scale=scale)
        stack.wait_ready(cfg, process, timeout=120)
        yield System(cfg, stack.load_demo(cfg, env), env)
    finally:
        if process is not None:
            stack.stop(process)
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)
        with psycopg.connect(_admin(SERVER_DB), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        if not os.environ.get("BENCH_KEEP_LOGS"):
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            print(f"logs kept in {run_dir}")


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def pick(q):
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "max": round(ordered[-1], 1),
            "mean": round(statistics.fmean(ordered), 1)}


def wrk(url: str, *, seconds: int = 10, connections: int = 16, threads: int = 2, headers: dict | None = None,
        script: Path | None = None) -> dict:
    """Requests per second and latency for one endpoint, measured by wrk. A Lua `script` may shape the requests;
    when its done() prints a `95%` latency line and `Unexpected responses: N`, they are read too."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in (headers or {}).items():
        command += ["-H", f"{k}: {v}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    rps = float(next(line.split()[1] for line in lines if line.startswith("Requests/sec")))
    non_2xx = next((int(line.split()[-1]) for line in lines if "Non-2xx" in line), 0)
    latency = {line.split()[0]: line.split()[1] for line in lines if line.strip()[:3] in ("50%", "95%", "99%")}
    result = {"requests_per_second": round(rps, 1), "non_2xx": non_2xx, "latency_p50": latency.get("50%"),
              "latency_p99": latency.get("99%")}
    socket_errors = next((line for line in lines if "Socket errors" in line), "")
    result["socket_errors"] = sum(int(n) for n in re.findall(r"\d+", socket_errors))
    if script is not None:
        result["latency_p95"] = latency.get("95%")
        result["requests"] = int(next((line.split()[0] for line in lines if " requests in " in line), 0))
        result["unexpected"] = next((int(line.split()[-1]) for line in lines if line.startswith("Unexpected")), None)
    return result


def seed_teachers(system: System, trns: list[str], dob: str = "1990-01-01") -> None:
    for i in range(0, len(trns), 500):
        system.seed_trs(*[{"trn": t, "firstName": "Bench", "lastName": f"Teacher{t}", "dateOfBirth": dob,
                           "qtsDate": "2026-07-15"} for t in trns[i:i + 500]])


def registration(system: System, trn: str, dob: str = "1990-01-01") -> dict:
    return {"trn": trn, "date_of_birth": dob, "started_on": "2026-09-01", "email": f"{trn}@oakfield.example",
            "working_pattern": "full_time", "training_programme": "provider_led",
            "lead_provider_id": system.org("lp-1"), "cohort": 2026}


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def now() -> float:
    return time.perf_counter()
