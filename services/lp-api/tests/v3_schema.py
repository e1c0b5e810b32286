"""Validate responses against the v3 OpenAPI document's own schemas.

OpenAPI 3.0 schemas are almost JSON Schema; `nullable: true` is the difference that matters here, so
it is rewritten as a null type before the document is handed to jsonschema. `$ref`s resolve against
the document's components.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from lp_api.v3_document import v3_openapi_bytes

DOCUMENT_URI = "urn:ecf-lead-provider-api-v3"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)


def _as_json_schema(node):
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # uuid and the others jsonschema checks itself

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value):
        return not isinstance(value, str) or bool(_RFC3339.match(value)) and bool(datetime.fromisoformat(value.replace("Z", "+00:00")))

    @checker.checks("date", raises=ValueError)
    def _date(value):
        return not isinstance(value, str) or bool(date.fromisoformat(value))

    return checker


@cache
def _registry() -> Registry:
    document = _as_json_schema(json.loads(v3_openapi_bytes()))
    return Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012))


def validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/{schema_name}"},
                                registry=_registry(), format_checker=_format_checker())


def errors(instance, schema_name: str) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator(schema_name).iter_errors(instance)]


def assert_valid(instance, schema_name: str) -> None:
    problems = errors(instance, schema_name)
    assert not problems, f"not a valid v3 {schema_name}:\n" + "\n".join(problems)


def response_schema_name(path: str, method: str, status: int) -> str:
    """The schema the v3 document itself gives for an operation's answer."""
    operation = json.loads(v3_openapi_bytes())["paths"][path][method.lower()]
    schema = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    return schema["$ref"].rsplit("/", 1)[-1]
