"""The one gateway template, rendered as the local run and the end-to-end tests render it, is valid nginx
and routes as docker-compose and Kubernetes rely on: prefixes stripped, /api/v3/ passed through,
forwarded headers and correlation ids set, metrics hidden, oversized bodies refused."""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from render import TEMPLATE, UPSTREAMS, main, nginx_binary, nginx_command, render, substitute  # noqa: E402

NGINX = nginx_binary()
needs_nginx = pytest.mark.skipif(not Path(NGINX).exists() and shutil.which(NGINX) is None,
                                 reason="nginx is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_only_the_templates_own_variables_are_substituted():
    out = substitute("listen ${GATEWAY_PORT}; set $x $request_id; ${UNKNOWN} $ecf_prefix",
                     {"GATEWAY_PORT": "8080"})
    assert out == "listen 8080; set $x $request_id; ${UNKNOWN} $ecf_prefix"


def test_the_template_uses_exactly_the_documented_variables():
    names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", TEMPLATE.read_text()))
    assert names == {"GATEWAY_PORT", "ACCOUNTS_UPSTREAM", "REGISTRATIONS_UPSTREAM", "INDUCTIONS_UPSTREAM",
                     "TRS_SYNC_UPSTREAM", "LP_API_UPSTREAM", "PORTAL_UPSTREAM"}


def test_render_writes_a_self_contained_main_config(tmp_path):
    conf = render(tmp_path, 18999, {"accounts": "127.0.0.1:8001", "registrations": "127.0.0.1:8002",
                                    "inductions": "127.0.0.1:8003", "trs-sync": "127.0.0.1:8004",
                                    "lp-api": "127.0.0.1:8005", "portal": "127.0.0.1:8006"})
    assert conf == tmp_path.resolve() / "nginx.conf"
    main_conf, gateway = conf.read_text(), (tmp_path / "gateway.conf").read_text()
    assert "daemon" not in main_conf.replace("-g 'daemon off;'", "")
    assert f"pid {tmp_path.resolve()}/nginx.pid;" in main_conf and "error_log stderr" in main_conf
    assert f"include {tmp_path.resolve()}/gateway.conf;" in main_conf
    assert re.findall(r"_temp_path (\S+);", main_conf) and all(
        p.startswith(str(tmp_path.resolve())) for p in re.findall(r"_temp_path (\S+);", main_conf))
    assert "${" not in gateway and "listen 18999;" in gateway
    assert "server 127.0.0.1:8004;" in gateway and "$ecf_correlation_id" in gateway


def test_render_refuses_missing_or_malformed_upstreams(tmp_path):
    with pytest.raises(ValueError, match="lp_api"):
        render(tmp_path, 8080, {name: "127.0.0.1:1" for name in UPSTREAMS if name != "lp_api"})
    with pytest.raises(ValueError, match="host:port"):
        render(tmp_path, 8080, {**{name: "127.0.0.1:1" for name in UPSTREAMS}, "accounts": "http://x/"})


def test_cli_prints_the_command_that_runs_nginx(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--port", "8080", "--accounts", "127.0.0.1:8001",
                 "--registrations", "127.0.0.1:8002", "--inductions", "127.0.0.1:8003",
                 "--trs-sync", "127.0.0.1:8004", "--lp-api", "127.0.0.1:8005", "--portal", "127.0.0.1:8006"]) == 0
    out = tmp_path.resolve()
    assert capsys.readouterr().out.strip() == f"nginx -p {out} -c {out}/nginx.conf -g 'daemon off;'"


@needs_nginx
def test_rendered_config_passes_nginx_t(tmp_path):
    conf = render(tmp_path, _free_port(), {name: "127.0.0.1:1" for name in UPSTREAMS})
    result = subprocess.run(nginx_command(conf, test=True), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with the path and headers it received (what the service would see)."""

    protocol_version = "HTTP/1.1"
    seen: list[str] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.seen.append(self.path)
        body = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    if not Path(NGINX).exists() and shutil.which(NGINX) is None:
        pytest.skip("nginx is not installed")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{upstream.server_address[1]}"
    closed = f"127.0.0.1:{_free_port()}"  # nothing listens: trs-sync is "down"
    port = _free_port()
    out = tmp_path_factory.mktemp("gateway")
    conf = render(out, port, {"accounts": address, "registrations": address, "inductions": address,
                              "trs_sync": closed, "lp_api": address, "portal": address})
    _Echo.gateway_out = out
    log = open(out / "nginx.log", "wb")
    nginx = subprocess.Popen(nginx_command(conf), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1).close()
                break
            except OSError:
                if nginx.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((out / "nginx.log").read_text()) from None
                time.sleep(0.05)
        yield base
    finally:
        nginx.terminate()
        try:
            nginx.wait(10)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait(5)
        log.close()
        upstream.shutdown()
        upstream.server_close()


def _request(url, *, method="GET", data=None, headers=None):
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gateway_health(gateway):
    status, headers, body = _request(f"{gateway}/health")
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_service_prefix_is_stripped_and_forwarded_headers_are_set(gateway):
    status, _, body = _request(f"{gateway}/accounts/openapi.json?x=1", headers={"X-Forwarded-Prefix": "/spoofed"})
    assert status == 200
    seen = json.loads(body)
    assert seen["path"] == "/openapi.json?x=1"
    h = seen["headers"]
    assert h["x-forwarded-prefix"] == "/accounts"
    assert h["x-forwarded-for"] == "127.0.0.1" and h["x-forwarded-proto"] == "http"
    assert re.fullmatch(r"[0-9a-f]{32}", h["x-correlation-id"])  # generated by the gateway
    assert "connection" not in h  # keepalive to the upstream, not Connection: close
    for prefix in ("registrations", "inductions", "lp-api"):
        seen = json.loads(_request(f"{gateway}/{prefix}/ects/1")[2])
        assert seen["path"] == "/ects/1" and seen["headers"]["x-forwarded-prefix"] == f"/{prefix}"


def test_lead_provider_api_path_passes_through_unchanged(gateway):
    status, _, body = _request(f"{gateway}/api/v3/participants/ecf?page%5Bper_page%5D=5",
                               headers={"X-Correlation-Id": "lp-req-42", "X-Forwarded-Prefix": "/spoofed"})
    assert status == 200
    seen = json.loads(body)
    assert seen["path"] == "/api/v3/participants/ecf?page%5Bper_page%5D=5"
    assert seen["headers"]["x-correlation-id"] == "lp-req-42"  # the caller's id is kept
    assert "x-forwarded-prefix" not in seen["headers"]


def test_implausible_correlation_ids_are_replaced(gateway):
    seen = json.loads(_request(f"{gateway}/accounts/x", headers={"X-Correlation-Id": 'a"b'})[2])
    assert re.fullmatch(r"[0-9a-f]{32}", seen["headers"]["x-correlation-id"])


def test_metrics_are_not_reachable_through_the_gateway(gateway):
    _Echo.seen.clear()
    for path in ("/accounts/metrics", "/trs-sync/metrics", "/lp-api/metrics", "/inductions/metrics/", "/accounts/%6detrics",
                 "/metrics", "/%6detrics"):
        status, headers, body = _request(f"{gateway}{path}")
        assert status == 404, path
        assert json.loads(body)["code"] == "not_found" and headers["X-Correlation-Id"]
    assert _Echo.seen == []


def test_everything_else_reaches_the_portal_with_its_path(gateway):
    for path in ("/", "/school/ects?q=ada", "/nowhere", "/api/v2/x"):
        status, _, body = _request(f"{gateway}{path}", headers={"X-Forwarded-Prefix": "/spoofed"})
        assert status == 200, path
        seen = json.loads(body)
        assert seen["path"] == path and seen["headers"].get("x-forwarded-prefix", "") == ""


def test_an_unreachable_portal_answers_browsers_with_a_page(tmp_path):
    if not Path(NGINX).exists() and shutil.which(NGINX) is None:
        pytest.skip("nginx is not installed")
    port, closed = _free_port(), f"127.0.0.1:{_free_port()}"
    conf = render(tmp_path, port, {name: closed for name in UPSTREAMS})
    nginx = subprocess.Popen(nginx_command(conf), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        status, headers, body = _request(f"http://127.0.0.1:{port}/school/ects")
        assert status == 503 and headers["Content-Type"].startswith("text/html")
        assert b"<h1>Sorry, the service is unavailable</h1>" in body and headers["Retry-After"] == "5"
    finally:
        nginx.terminate()
        nginx.wait(10)


def test_invitation_tokens_are_not_in_the_access_log(gateway, capfd):
    _request(f"{gateway}/invitations/secret-invitation-token")
    _request(f"{gateway}/accounts/invitations/secret-invitation-token/accept", method="POST", data=b"{}")
    time.sleep(0.3)
    log = (_Echo.gateway_out / "nginx.log").read_text()
    assert "/invitations/[token]" in log and "secret-invitation-token" not in log


def test_oversized_bodies_are_refused_with_413(gateway):
    status, _, body = _request(f"{gateway}/registrations/ects", method="POST", data=b"x" * (2 * 1024 * 1024 + 1),
                               headers={"Content-Type": "application/json"})
    assert status == 413 and json.loads(body)["code"] == "payload_too_large"
    status, _, body = _request(f"{gateway}/registrations/ects", method="POST", data=b"x" * (1024 * 1024),
                               headers={"Content-Type": "application/json"})
    assert status == 200 and json.loads(body)["path"] == "/ects"


def test_the_in_flight_upload_takes_a_large_file_and_nothing_else_does(gateway):
    big = b"x" * (5 * 1024 * 1024)
    status, _, body = _request(f"{gateway}/inductions/admin/in-flight-imports?x=1", method="POST", data=big,
                               headers={"Content-Type": "multipart/form-data; boundary=b"})
    seen = json.loads(body)
    assert status == 200 and seen["path"] == "/admin/in-flight-imports?x=1"
    assert seen["headers"]["x-forwarded-prefix"] == "/inductions"
    status, _, body = _request(f"{gateway}/inductions/admin/in-flight-imports/x", method="POST", data=big,
                               headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert status == 413 and "2 MB" in json.loads(body)["message"]
    status, _, body = _request(f"{gateway}/inductions/admin/in-flight-imports", method="POST",
                               data=b"x" * (102 * 1024 * 1024 + 1), headers={"Content-Type": "text/csv"})
    assert status == 413 and json.loads(body)["code"] == "payload_too_large" and "100 MB" in json.loads(body)["message"]


def test_an_unreachable_service_answers_503_json(gateway):
    status, headers, body = _request(f"{gateway}/trs-sync/teachers/1234567")
    assert status == 503 and json.loads(body)["code"] == "service_unavailable"
    assert headers["Retry-After"] == "5"
