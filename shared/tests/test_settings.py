from dataclasses import dataclass

import pytest

from ecf_shared.settings import MissingSecrets, Settings


@dataclass(frozen=True)
class ServiceSettings(Settings):  # no postponed annotations here, unlike settings.py itself
    batch: int = 1
    ratio: float = 0.5
    enabled: bool = False
    name: str = "x"


def test_settings_are_parsed_by_type_from_the_environment():
    s = ServiceSettings.from_env({"BATCH": "3", "RATIO": "2.5", "ENABLED": "yes", "NAME": "y",
                                  "CONSUMER_RETRY_DELAYS": "1,2.5", "PORT": "9000"}, service_name="trs-sync")
    assert (s.batch, s.ratio, s.enabled, s.name, s.port) == (3, 2.5, True, "y", 9000)
    assert s.consumer_retry_delays == (1.0, 2.5)
    assert s.db_schema == "trs_sync"


def test_defaults_apply_when_the_environment_is_silent():
    s = ServiceSettings.from_env({}, service_name="accounts")
    assert s.batch == 1 and s.enabled is False and s.db_schema == "accounts"


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "name"
    secret.write_text("from-a-file\n")
    assert ServiceSettings.from_env({"NAME_FILE": str(secret)}).name == "from-a-file"
    assert ServiceSettings.from_env({"NAME_FILE": str(secret), "NAME": "direct"}).name == "direct"



@dataclass(frozen=True)
class SecretSettings(Settings):
    SECRETS = ("signing_key", "hash_key")
    signing_key: str = ""
    hash_key: str = "dev-only-hash-key"  # a development value: fine locally, never in production


@pytest.mark.parametrize("environ", [{}, {"ENVIRONMENT": "production"}, {"ENVIRONMENT": "staging"}])
def test_outside_the_local_run_and_the_tests_every_secret_must_be_set(environ):
    settings = SecretSettings.from_env(environ, service_name="lp-api")
    with pytest.raises(MissingSecrets) as refused:
        settings.check_secrets()
    assert str(refused.value) == (f"lp-api cannot start with ENVIRONMENT={settings.environment}: set SIGNING_KEY, "
                                  "HASH_KEY (or SIGNING_KEY_FILE, HASH_KEY_FILE); only ENVIRONMENT=local or test may "
                                  "run without them or with development values.")


def test_a_development_value_is_as_missing_as_none():
    settings = SecretSettings.from_env({"SIGNING_KEY": "k", "HASH_KEY": "dev-only-hash-key"})
    with pytest.raises(MissingSecrets, match="set HASH_KEY "):
        settings.check_secrets()


def test_secrets_that_are_set_start_the_service():
    settings = SecretSettings.from_env({"SIGNING_KEY": "k", "HASH_KEY": "h"})
    assert settings.check_secrets() is settings


@pytest.mark.parametrize("environment", ["local", "test"])
def test_the_local_run_and_the_tests_may_use_development_values(environment):
    settings = SecretSettings.from_env({"ENVIRONMENT": environment})
    assert settings.check_secrets().hash_key == "dev-only-hash-key"
