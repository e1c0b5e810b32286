"""Every event a service is listed as consuming has a handler there, and nothing else is handled:
otherwise the broker delivers what nobody handles and it ends in a dead-letter queue."""
import pytest

from ecf_shared import contracts
from ecf_shared.db import Database


def _definitions():
    from accounts.definition import DEFINITION as accounts
    from inductions.definition import DEFINITION as inductions
    from lp_api.definition import DEFINITION as lp_api
    from registrations.definition import DEFINITION as registrations
    from trs_sync.definition import DEFINITION as trs_sync

    return [accounts, registrations, inductions, trs_sync, lp_api]


@pytest.mark.parametrize("definition", _definitions(), ids=lambda d: d.name)
def test_handlers_match_the_catalogue(definition):
    settings = definition.settings_cls.from_env({}, service_name=definition.name)
    handled = set(definition.handlers(settings, Database(settings.database_url, settings.db_schema))) \
        if definition.handlers else set()
    assert handled == {c.type for c in contracts.consumed_by(definition.name)}
