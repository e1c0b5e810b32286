"""Hostile requests generated from an OpenAPI document: for every operation, a plausible request, then one
variant per hostile value in each place the operation reads input (path, query, JSON body, at any depth).

The classes of value are the ones PostgreSQL, UTF-8 and Python refuse somewhere deeper than validation:
JSON nested thousands deep, NUL and lone surrogates in text, integers past bigint, dates at the calendar's
edges."""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field

DEEP_JSON = '{"a":' * 5000 + "1" + "}" * 5000
HOSTILE_TEXT = ("a\x00b", "\ud800", "x\udfff")
HOSTILE_INTEGERS = (9223372036854775808, -9223372036854775809, 10**40)
HOSTILE_DATES = ("9999-12-31", "0001-01-01")
HOSTILE_DATE_TIMES = ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z")
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Request:
    operation: str
    method: str
    path: str
    query: dict = field(default_factory=dict)
    body: object = None
    raw_body: str | None = None  # sent as it is (already JSON text)
    what: str = ""

    def __str__(self) -> str:
        return f"{self.operation} [{self.what}]"

    def encoded_body(self) -> bytes | None:
        if self.raw_body is not None:
            return self.raw_body.encode("utf-8", "surrogatepass")
        if self.body is None:
            return None
        # ensure_ascii writes a lone surrogate as its \\ud800 escape: valid JSON text, invalid Unicode.
        return json.dumps(self.body).encode()


class Document:
    def __init__(self, document: dict):
        self.document = document

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            target = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def schema(self, node) -> dict:
        node = self.resolve(node or {})
        for combined in ("allOf", "oneOf", "anyOf"):
            if combined in node:
                merged: dict = {"type": "object", "properties": {}}
                for part in node[combined]:
                    part = self.schema(part)
                    if part.get("type") not in (None, "object") or "properties" not in part:
                        return part
                    merged["properties"].update(part.get("properties", {}))
                return merged
        return node

    def operations(self):
        for path, item in self.document["paths"].items():
            for method, op in item.items():
                if method in METHODS:
                    params = [self.resolve(p) for p in op.get("parameters", []) + item.get("parameters", [])]
                    yield method.upper(), path, op, params


def sample(doc: Document, schema, depth: int = 0):
    """A value of the schema's type, plausible enough to reach the code behind validation."""
    schema = doc.schema(schema)
    if "enum" in schema:
        return schema["enum"][0]
    if "example" in schema:
        return schema["example"]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object" or "properties" in schema:
        if depth > 6:
            return {}
        return {name: sample(doc, prop, depth + 1) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample(doc, schema.get("items", {}), depth + 1)]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    if fmt == "date":
        return "2026-09-01"
    if fmt == "date-time":
        return "2026-09-01T09:00:00Z"
    if fmt == "uuid":
        return str(uuid.UUID(int=0x1234))
    if fmt == "email":
        return "someone@example.com"
    return "1234567" if schema.get("pattern") == r"^\d{7}$" else "text"


def hostile_values(doc: Document, schema) -> tuple:
    schema = doc.schema(schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer" or kind == "number":
        return HOSTILE_INTEGERS
    if fmt == "date":
        return HOSTILE_DATES + HOSTILE_TEXT
    if fmt == "date-time":
        return HOSTILE_DATE_TIMES + HOSTILE_TEXT
    if kind == "string" or kind is None:
        return HOSTILE_TEXT + HOSTILE_INTEGERS[:1]
    return ()


def leaves(doc: Document, schema, prefix=(), depth: int = 0):
    """(path, schema) of every scalar place in a body schema."""
    schema = doc.schema(schema)
    if depth > 6:
        return
    if schema.get("type") == "object" or "properties" in schema:
        for name, prop in schema.get("properties", {}).items():
            yield from leaves(doc, prop, prefix + (name,), depth + 1)
    elif schema.get("type") == "array":
        yield from leaves(doc, schema.get("items", {}), prefix + (0,), depth + 1)
    else:
        yield prefix, schema


def replaced(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, list):
        copy = list(value)
        copy[head] = replaced(copy[head], rest, new)
        return copy
    copy = dict(value)
    copy[head] = replaced(copy.get(head), rest, new)
    return copy


def query_params(doc: Document, params):
    """(name, schema) of each query value; v3's deepObject parameters (page, filter) expand to page[page] etc."""
    for p in params:
        if p.get("in") != "query":
            continue
        schema = doc.schema(p.get("schema", {}))
        if p.get("style") == "deepObject" and schema.get("properties"):
            for name, prop in schema["properties"].items():
                yield f"{p['name']}[{name}]", prop
        else:
            yield p["name"], schema


def requests_for(document: dict, path_values: dict[str, str] | None = None, skip=lambda path: False):
    doc = Document(document)
    for method, path, op, params in doc.operations():
        if skip(path):
            continue
        operation = f"{method} {path}"
        path_params = {p["name"]: doc.schema(p.get("schema", {})) for p in params if p.get("in") == "path"}
        values = {name: (path_values or {}).get(name) or str(sample(doc, s)) for name, s in path_params.items()}

        def url(overrides=None, values=values, path=path):
            merged = {**values, **(overrides or {})}
            return re.sub(r"\{(\w+)\}", lambda m: _path_segment(merged[m.group(1)]), path)

        body_schema = (op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
        body = sample(doc, body_schema) if body_schema is not None else None
        base = dict(operation=operation, method=method, path=url(), body=body)
        if body_schema is not None or method in ("POST", "PUT", "PATCH"):
            yield Request(**{**base, "body": None}, raw_body=DEEP_JSON, what="JSON nested 5000 deep")
        for name, schema in path_params.items():
            for value in hostile_values(doc, schema):
                yield Request(**{**base, "path": url({name: str(value)})}, what=f"path {name}={value!r}")
        for name, schema in query_params(doc, params):
            for value in hostile_values(doc, schema):
                yield Request(**base, query={name: str(value)}, what=f"query {name}={value!r}")
        if body_schema is not None:
            for where, schema in leaves(doc, body_schema):
                for value in hostile_values(doc, schema):
                    yield Request(**{**base, "body": replaced(body, where, value)},
                                  what=f"body {'.'.join(map(str, where))}={value!r}")


def _path_segment(value: str) -> str:
    from urllib.parse import quote

    return quote(value.encode("utf-8", "surrogatepass"), safe="")
