from ecf_shared.web.app import build_app
from registrations import integrity
from registrations.adapters import start_mappers
from registrations.api import blp
from registrations.settings import RegistrationsSettings
from ecf_shared.teacher_lookup import TeacherLookup


def create_app(settings: RegistrationsSettings, teacher_lookup=None):
    start_mappers()
    app = build_app(settings, title="ECF registrations", blueprints=[blp],
                    description="Schools register ECTs and mentors; training periods and mentorships.")
    integrity.register_error_handler(app)
    app.extensions["ecf"].extras["teacher_lookup"] = teacher_lookup or TeacherLookup(settings.trs_sync_url,
                                                                                     settings.http_timeout_seconds)
    return app


def from_env():
    from ecf_shared import logging

    settings = RegistrationsSettings.from_env().check_secrets()
    logging.configure(f"{settings.service_name}-web", settings.log_level, settings.log_format)
    return create_app(settings)
