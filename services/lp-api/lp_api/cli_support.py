"""What lp-api's commands share: argument types, who is running them, a unit of work."""
from __future__ import annotations

import argparse
import getpass
import uuid

from ecf_shared.db import Database
from ecf_shared.uow import UnitOfWork
from lp_api.settings import LpApiSettings


def uuid_arg(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a UUID") from None


def operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


def unit_of_work(settings: LpApiSettings) -> UnitOfWork:
    return UnitOfWork(Database(settings.database_url, settings.db_schema), producer=settings.service_name)
