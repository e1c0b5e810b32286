"""The input every request carries, checked once before any view reads it: a JSON body's nesting (parsed once,
through the app's JSON provider, so request.get_json() and the schemas see the same guarded parse), and the
text of path, query string and form values (NUL and lone surrogates, which PostgreSQL and UTF-8 refuse)."""
from __future__ import annotations

import json

from flask import request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from ecf_shared.errors import Invalid, NotFound
from ecf_shared.web import storable


class JsonTooDeep(BadRequest):
    """Not a ValueError, so request.get_json(silent=True) answers it too instead of returning None."""

    description = storable.JSON_DEPTH_MESSAGE


def loads(text):
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep() from None
    if storable.json_depth(value) > storable.MAX_JSON_DEPTH:
        raise JsonTooDeep()
    return value


class GuardedJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        return loads(s)


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in a route: a value past PostgreSQL's integer matches no route (404) instead of reaching a query."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", storable.INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


def unstorable_values(*sources) -> dict[str, list[str]]:
    """The names of query string or form values (multidicts) whose name or text PostgreSQL cannot store."""
    return {name: [storable.TEXT_MESSAGE] for source in sources for name, value in source.items(multi=True)
            if not (storable.storable_text(name) and storable.storable_text(value))}


def check_request() -> None:
    """Raises the 400/404/422 a hostile request gets; schemas validate the rest."""
    if request.is_json and request.content_length != 0:
        request.get_json(silent=True)  # parsed (and cached) by GuardedJSONProvider; malformed JSON is the view's
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and not storable.storable_text(value):
            raise NotFound("Nothing was found at this address.")
    unstorable = unstorable_values(request.args, request.form)
    if unstorable:
        raise Invalid(f"{', '.join(unstorable)}: {storable.TEXT_MESSAGE}", fields=unstorable)
