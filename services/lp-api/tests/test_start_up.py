"""Outside the local run and the tests, lp-api does not start without its token hash key (issue 14): a silent
development key would make every lead provider's token hash guessable."""
import subprocess
import sys

import pytest

from ecf_shared.settings import MissingSecrets
from lp_api import app

MESSAGE = ("lp-api cannot start with ENVIRONMENT=production: set LP_TOKEN_HASH_KEY (or LP_TOKEN_HASH_KEY_FILE); "
           "only ENVIRONMENT=local or test may run without them or with development values.")


@pytest.mark.parametrize("command", ["worker", "create-token"])
def test_a_command_without_the_key_stops_at_start_up_naming_it(command):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nowhere", "LOG_FORMAT": "console"}
    out = subprocess.run([sys.executable, "-m", "lp_api", command], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert MESSAGE in out.stderr


def test_the_web_app_without_the_key_does_not_load(monkeypatch):
    monkeypatch.delenv("LP_TOKEN_HASH_KEY", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(MissingSecrets, match="set LP_TOKEN_HASH_KEY"):
        app.from_env()


def test_with_the_key_it_starts(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("LP_TOKEN_HASH_KEY", "a-production-key")
    assert app.from_env().extensions["ecf"].settings.lp_token_hash_key == "a-production-key"
