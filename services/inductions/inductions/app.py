from ecf_shared.web.app import build_app
from inductions.adapters import start_mappers
from inductions.api import blp
from inductions.settings import InductionsSettings


def create_app(settings: InductionsSettings):
    start_mappers()
    return build_app(settings, title="ECF inductions", blueprints=[blp],
                     description="Appropriate bodies record inductions; the induction status is derived here.")


def from_env():
    from ecf_shared import logging

    settings = InductionsSettings.from_env()
    logging.configure(f"{settings.service_name}-web", settings.log_level, settings.log_format)
    return create_app(settings)
