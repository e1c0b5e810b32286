"""The pages, as blueprints registered explicitly (no registration as an import side effect)."""
from __future__ import annotations


def change_action(href: str, label: str, text: str = "Change") -> dict:
    """A summary list row's "Change" link (its hidden text says what changes, for screen readers)."""
    return {"items": [{"href": href, "text": text, "visuallyHiddenText": label}]}


def register(app) -> None:
    from flask import url_for

    from portal.http import errors, invitations, organisations, signing_in
    from portal.http.base import error_list
    from portal.http.formatting import form_date, format_date, format_datetime
    from portal.http.admin import blueprint as admin_blueprint
    from portal.http.appropriate_body import blueprint as appropriate_body_blueprint
    from portal.http.providers import blueprints as provider_blueprints
    from portal.http.school import blueprint as school_blueprint

    app.jinja_env.globals.update(error_list=error_list, form_date=form_date, change_action=change_action,
                                 asset=lambda path: url_for("static", filename=path))
    app.jinja_env.filters.update(radio_item=lambda item, value: {**item, "checked": item.get("value") == value},
                                 select_item=lambda item, value: {**item, "selected": item.get("value") == value},
                                 date=format_date, datetime=format_datetime,
                                 status_item=lambda pair, value: {"value": pair[0], "text": pair[1], "checked": pair[0] == value},
                                 with_hint=lambda item, hints: {**item, "hint": {"text": hints.get(item["value"], "")}},
                                 tutor_row=lambda t: {"key": {"text": t["name"]}, "value": {"text": t["email"]}},
                                 school_item=lambda school, chosen: {"value": school.id, "text": school.name,
                                                                     "checked": chosen is not None and school.id == chosen.id})
    for blueprint in (signing_in.blueprint, organisations.blueprint, invitations.blueprint, school_blueprint(),
                      appropriate_body_blueprint(), *provider_blueprints(), admin_blueprint(), errors.blueprint):
        app.register_blueprint(blueprint)
    errors.register_handlers(app)
