"""What the school pages share: which schools are in view, the one a page acts for, and the names of things."""
from __future__ import annotations

from flask import request

from portal.domain.working_context import Organisation
from portal.http.base import current_context, services


def schools() -> list[Organisation]:
    return current_context().in_view("school")


def filtered_school() -> Organisation | None:
    """The school a list is filtered to (blended mode, `?school=`), if it is one of the user's."""
    wanted = request.args.get("school")
    return next((s for s in schools() if s.id == wanted), None) if wanted else None


def school_name(school_id: str | None) -> str | None:
    school = next((s for s in schools() if s.id == school_id), None)
    return school.name if school else None


def several_schools() -> bool:
    return len(schools()) > 1


def choices(school_id: str) -> dict:
    """The appropriate bodies and lead providers this school may choose (registrations decides which)."""
    return services().get(f"/registrations/schools/{school_id}/choices")


def radio_items(options: list[dict], hint_key: str | None = None) -> list[dict]:
    return [{"value": o["id"], "text": o["name"], **({"hint": {"text": o[hint_key]}} if hint_key and o.get(hint_key)
                                                       else {})} for o in options]


AB_KINDS = {"teaching_school_hub": "Teaching school hub", "national": "National appropriate body",
            "local_authority": "Local authority"}


def page_school() -> Organisation | None:
    """The school a page about one school is for: the acting one (hat), the only one, or `?school=` (blended);
    None when a blended user with several schools has not said which yet."""
    in_view = schools()
    if len(in_view) == 1:
        return in_view[0]
    return filtered_school()


def may(permission: str, school_id: str) -> bool:
    """Whether accounts says the user may make changes needing `permission` for this school (for showing buttons;
    the services still decide every change)."""
    scope = services().get("/accounts/me/access")["write"].get(permission) or {}
    return scope.get("everything") or school_id in scope.get("organisation_ids", [])
