"""Fuzzing (a bounded sample, through the gateway): schemathesis generates requests from each service's
own OpenAPI document; no answer may be a 5xx or break the document's own schema. lp-api is fuzzed
against the real lead provider API v3 document, every endpoint of it."""
import subprocess
import sys
from pathlib import Path

import pytest

ST = str(Path(sys.executable).with_name("st"))
# lp-api ships the real v3 document (a copy of ../shared/reference/ecf-lead-provider-api-v3.openapi.json).
V3_DOCUMENT = Path(__file__).resolve().parents[1] / "services" / "lp-api" / "lp_api" / "data" / "ecf-lead-provider-api-v3.openapi.json"


def schemathesis(tmp_path, schema: str, base_url: str, token: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [ST, "run", schema, "--url", base_url, "-H", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error,response_schema_conformance", "--max-examples", "25",
         "--seed", "20261122", "--no-color", *extra],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("service", ["accounts", "registrations", "inductions", "trs-sync"])
def test_service_survives_fuzzing_against_its_own_openapi(system, service, tmp_path):
    token = system.sign_in("alice@oakfield.example")["access_token"]
    try:
        result = schemathesis(tmp_path, f"{system.gateway}/{service}/openapi.json", f"{system.gateway}/{service}", token)
    finally:
        system.restore_demo()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_lp_api_survives_fuzzing_against_the_real_v3_document(system, tmp_path):
    token = system.lp_token("Northern Lights Teaching")
    result = schemathesis(tmp_path, str(V3_DOCUMENT), system.gateway, token)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
