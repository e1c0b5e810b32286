from ecf_shared.teacher_lookup import TeacherLookup
from ecf_shared.web.app import build_app
from inductions.adapters import start_mappers
from inductions.api import blp
from inductions.in_flight.api import blp as in_flight_blp
from inductions.clock import Clock
from inductions.settings import InductionsSettings


def create_app(settings: InductionsSettings, teacher_lookup=None, clock: Clock | None = None):
    start_mappers()
    app = build_app(settings, title="ECF inductions", blueprints=[blp, in_flight_blp],
                    description="Appropriate bodies record inductions; the induction status is derived here.")
    extras = app.extensions["ecf"].extras
    extras["teacher_lookup"] = teacher_lookup or TeacherLookup(settings.trs_sync_url, settings.http_timeout_seconds)
    extras["clock"] = clock or Clock()
    return app


def from_env():
    from ecf_shared import logging

    settings = InductionsSettings.from_env().check_secrets()
    logging.configure(f"{settings.service_name}-web", settings.log_level, settings.log_format)
    return create_app(settings)
