"""The v3 OpenAPI document lead providers integrate against, shipped with the package as data, and a
readable page rendered from it on the server (no scripts or assets from elsewhere)."""
from __future__ import annotations

import json
from functools import cache
from html import escape
from importlib.resources import files

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#0b0c0c}"
          "code,.method{font-family:ui-monospace,monospace}.method{font-weight:bold;margin-right:.5rem}"
          "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
          "td,th{border-bottom:1px solid #b1b4b6;text-align:left;padding:.3rem;vertical-align:top}"
          "section{border-top:2px solid #1d70b8;margin-top:1.5rem}")


@cache
def v3_openapi_bytes() -> bytes:
    return files("lp_api").joinpath("data/ecf-lead-provider-api-v3.openapi.json").read_bytes()


def _ref_name(schema: dict | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    if schema.get("type") == "array":
        return f"array of {_ref_name(schema.get('items'))}"
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return " | ".join(_ref_name(s) for s in schema[combinator])
    kind = escape(str(schema.get("type", "")))
    return kind + (f" ({escape(', '.join(map(str, schema['enum'])))})" if "enum" in schema else "")


def _operation(path: str, method: str, operation: dict) -> str:
    parts = [f'<h3><span class="method">{method.upper()}</span><code>{escape(path)}</code></h3>',
             f"<p>{escape(operation.get('summary', ''))}</p>"]
    parameters = operation.get("parameters") or []
    if parameters:
        parts.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>example</th></tr>")
        parts += [f"<tr><td><code>{escape(p.get('name', ''))}</code></td><td>{escape(p.get('in', ''))}</td>"
                  f"<td>{'yes' if p.get('required') else 'no'}</td><td>{_ref_name(p.get('schema'))}</td>"
                  f"<td><code>{escape(str(p.get('example', '')))}</code></td></tr>" for p in parameters]
        parts.append("</table>")
    body = (operation.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
    if body:
        parts.append(f"<p>Request body: {_ref_name(body)}</p>")
    parts.append("<table><tr><th>status</th><th>description</th><th>body</th></tr>")
    for status, answer in operation.get("responses", {}).items():
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        parts.append(f"<tr><td>{escape(status)}</td><td>{escape(answer.get('description', ''))}</td>"
                     f"<td>{_ref_name(schema)}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)


def _schema(name: str, schema: dict) -> str:
    parts = [f'<h3 id="schema-{escape(name)}">{escape(name)}</h3>', f"<p>{escape(schema.get('description', ''))}</p>"]
    properties = schema.get("properties") or {}
    if properties:
        required = set(schema.get("required") or [])
        parts.append("<table><tr><th>property</th><th>type</th><th>required</th><th>description</th></tr>")
        parts += [f"<tr><td><code>{escape(p)}</code></td><td>{_ref_name(s)}{' or null' if s.get('nullable') else ''}"
                  f"</td><td>{'yes' if p in required else 'no'}</td><td>{escape(s.get('description', ''))}</td></tr>"
                  for p, s in properties.items()]
        parts.append("</table>")
    return "\n".join(parts)


# What this service adds to v3: attributes existing clients ignore (they ignore what they do not know), one endpoint.
BEYOND_V3 = (
    ("participant enrolments (ECFEnrolment)", "registered_by",
     "The name and email of the school user who registered this ECT or mentor."),
    ("partnerships (ECFPartnershipAttributes)", "school_contacts",
     "The school's contacts: nominated induction tutors, the school's contact email and its users' emails, "
     "each with a role (induction_tutor, school_contact, school_user)."),
    ("an endpoint", "GET /api/v3/participants/ecf/expressions-of-interest",
     "Teachers whose school chose your organisation for their training before any partnership, as participant "
     "resources whose enrolments have no delivery partner yet (and a null school_urn while the school's is unknown). "
     "Paging, filters and sort as for /api/v3/participants/ecf. A teacher leaves this list when the training "
     "comes through your partnership (and then appears in /api/v3/participants/ecf) or the school changes it."),
    ("schools (ECFSchoolAttributes)", "expression_of_interest",
     "True when the school chose your organisation for a teacher's training in this cohort and has no partnership "
     "for it yet. Such teachers become participants once you partner the school."),
)


def _beyond_v3() -> str:
    rows = "".join(f"<tr><td>{escape(where)}</td><td><code>{escape(name)}</code></td><td>{escape(text)}</td></tr>"
                   for where, name, text in BEYOND_V3)
    return ("<section><h2>Beyond v3</h2><p>Additions; everything v3 defines is unchanged.</p>"
            f"<table><tr><th>on</th><th>addition</th><th>description</th></tr>{rows}</table></section>")


@cache
def v3_docs_html() -> str:
    document = json.loads(v3_openapi_bytes())
    info = document.get("info", {})
    operations = [_operation(path, method, operation) for path, methods in document["paths"].items()
                  for method, operation in methods.items() if method in ("get", "post", "put", "patch", "delete")]
    schemas = [_schema(name, schema) for name, schema in document.get("components", {}).get("schemas", {}).items()]
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(info.get('title', 'API'))}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{escape(info.get('title', ''))} {escape(info.get('version', ''))}</h1>"
            "<p>Authenticate with <code>Authorization: Bearer &lt;your lead provider API token&gt;</code>. "
            'The machine-readable document is at <a href="openapi.json">openapi.json</a>.</p>'
            + _beyond_v3() + "<section><h2>Paths</h2>" + "\n".join(operations) + "</section>"
            "<section><h2>Schemas</h2>" + "\n".join(schemas) + "</section></body></html>")
