from ecf_shared.web.app import build_app
from trs_sync.adapters import start_mappers
from trs_sync.api import blp
from trs_sync.edit_rules_api import blp as edit_rules_blp
from trs_sync.handlers import gateway_from
from trs_sync.manual_handling_api import blp as manual_handling_blp
from trs_sync.lookup import TeacherLookup
from trs_sync.settings import TrsSyncSettings
from trs_sync.trs_client import TrsClient


def create_app(settings: TrsSyncSettings):
    start_mappers()
    app = build_app(settings, title="ECF trs-sync", blueprints=[blp, edit_rules_blp, manual_handling_blp],
                    description="The only connection to TRS: teacher lookups, induction deliveries, the sync log "
                                "and the manual-handling queue.")
    db = app.extensions["ecf"].db
    app.extensions["ecf"].extras["gateway"] = gateway_from(settings, db)
    app.extensions["ecf"].extras["teacher_lookup"] = TeacherLookup(TrsClient.from_settings(settings, db),
                                                                   settings.lookup_cache_seconds)
    return app


def from_env():
    from ecf_shared import logging

    settings = TrsSyncSettings.from_env().check_secrets()
    logging.configure(f"{settings.service_name}-web", settings.log_level, settings.log_format)
    return create_app(settings)
