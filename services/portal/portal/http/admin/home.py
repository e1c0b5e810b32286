"""The console's start page: find a teacher or a school, the manual-handling queue, the edit rules and (on local and
test runs) the scenario settings."""
from __future__ import annotations

from portal.adapters.gateway import ServiceError
from portal.http.admin.common import staff_only
from portal.http.admin.manual import open_count
from portal.http.base import render, services


def register(bp) -> None:
    bp.add_url_rule("", "home", staff_only(home))


def scenarios_enabled() -> bool:
    """accounts answers 404 where scenarios are off (production), 403 to staff who may not load them."""
    try:
        services().get("/accounts/scenarios")
    except ServiceError as error:
        if error.status in (403, 404):
            return False
        raise
    return True


def home():
    return render("admin/home.html", open_items=open_count(), scenarios=scenarios_enabled())
