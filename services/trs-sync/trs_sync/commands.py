"""Extra commands: `python -m trs_sync drift-check`."""
from __future__ import annotations

import argparse
import json

from ecf_shared.db import Database
from trs_sync.adapters import start_mappers
from trs_sync.drift_check import DriftCheck, DriftLoop
from trs_sync.settings import TrsSyncSettings


def drift_check(settings: TrsSyncSettings, argv: list[str]) -> int:
    argparse.ArgumentParser(prog="trs_sync drift-check",
                            description="Read TRS once for every watched teacher and report drift.").parse_args(argv)
    start_mappers()
    db = Database(settings.database_url, settings.db_schema)
    try:
        summary = DriftCheck.from_settings(settings, db).run()
    finally:
        db.dispose()
    print(json.dumps(summary.to_dict(), indent=2))
    return 0 if summary.stopped is None else 1


def background_runners(settings: TrsSyncSettings, db: Database) -> list:
    if settings.trs_drift_check_interval_seconds <= 0:
        return []
    start_mappers()
    return [("drift-check", DriftLoop(DriftCheck.from_settings(settings, db),
                                      settings.trs_drift_check_interval_seconds))]
