from dataclasses import dataclass

from ecf_shared.settings import Settings


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

