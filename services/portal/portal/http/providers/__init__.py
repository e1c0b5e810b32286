"""The delivery partner and lead provider pages, under /delivery-partner and /lead-provider: read-only, the same
pages from each side (pages.py) over lp-api's /lp-api/delivery-partner/... and /lp-api/lead-provider/... endpoints,
which decide what the signed-in user may see from their memberships."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint


@dataclass(frozen=True)
class Side:
    """One kind of provider organisation: its own organisations (hat: the acting one; blended: all, with a filter when
    there are several) and the organisations on the other side of its partnerships (always a filter)."""

    type: str
    path: str
    other: str
    others_path: str
    label: str
    other_label: str

    @property
    def other_plural(self) -> str:
        return self.other_label.lower() + "s"


DELIVERY_PARTNER = Side("delivery_partner", "delivery-partner", "lead_provider", "lead-providers", "Delivery partner",
                        "Lead provider")
LEAD_PROVIDER = Side("lead_provider", "lead-provider", "delivery_partner", "delivery-partners", "Lead provider",
                     "Delivery partner")


def _cohort_item(cohort: int, chosen: int | None) -> dict:
    return {"value": cohort, "text": str(cohort), "selected": cohort == chosen}


def _school_item(partnership: dict, chosen: dict | None) -> dict:
    return {"value": partnership["school_id"],
            "text": f"{partnership['school_name']} ({partnership['school_urn'] or 'no URN'})",
            "selected": chosen is not None and chosen["school_id"] == partnership["school_id"]}


def blueprints() -> list[Blueprint]:
    from portal.http.providers import pages

    found = []
    for side in (DELIVERY_PARTNER, LEAD_PROVIDER):
        bp = Blueprint(side.type, __name__, url_prefix=f"/{side.path}")
        pages.register(bp, side)
        found.append(bp)
    found[0].add_app_template_filter(_cohort_item, "cohort_item")
    found[0].add_app_template_filter(_school_item, "partnered_school_item")
    return found
