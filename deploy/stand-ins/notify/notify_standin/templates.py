"""The email templates the stand-in holds, and how Notify fills them in.

Notify keeps a service's templates and renders them itself; callers send only a template id and the
personalisation. Templates here come from a JSON file (`templates.json` in this package unless
NOTIFY_STANDIN_TEMPLATES_FILE names another): `{"templates": [{"id", "name", "subject", "body", "version"?}]}`.

Rendering follows Notify's rules for the plain-text version of an email:
- `((name))` is replaced by the personalisation value whose key matches, ignoring case, spaces, hyphens and
  underscores; a list becomes a bulleted list; `((name??text))` shows `text` only when the value is truthy
  ("yes", "true", "1", ...);
- every placeholder needs a value (a null counts as none), else the email is refused with
  "Missing personalisation: <names>";
- markdown-ish: `* ` or `- ` bullets become `•`, `[text](url)` becomes `text: url`, `#` headings lose the `#`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import BadRequestError

PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
TRUTHY = ("yes", "y", "true", "t", "1", "include", "show")
_IGNORED_IN_NAMES = str.maketrans("", "", " _-")


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    subject: str
    body: str
    version: int = 1
    type: str = "email"

    @property
    def placeholders(self) -> list[str]:
        """Placeholder names in the order they first appear (subject first), each once."""
        seen: dict[str, str] = {}
        for text in (self.subject, self.body):
            for match in PLACEHOLDER.finditer(text):
                name = match.group(1).split("??")[0]
                seen.setdefault(normalise(name), name)
        return list(seen.values())

    def render(self, personalisation: dict) -> tuple[str, str]:
        """(subject, body) filled in; BadRequestError when a placeholder has no value."""
        values = {normalise(str(k)): v for k, v in (personalisation or {}).items()}
        missing = [name for name in self.placeholders if values.get(normalise(name)) is None]
        if missing:
            message = f"Missing personalisation: {', '.join(missing)}"
            raise BadRequestError(message)
        subject = " ".join(_fill(self.subject, values, lists_as_bullets=False).split())
        return subject, plain_text(_fill(self.body, values, lists_as_bullets=True))


def normalise(name: str) -> str:
    return name.translate(_IGNORED_IN_NAMES).lower()


def _fill(text: str, values: dict, *, lists_as_bullets: bool) -> str:
    def replace(match: re.Match) -> str:
        name, _, conditional = match.group(1).partition("??")
        value = values[normalise(name)]
        if conditional:
            return conditional if str(value).lower() in TRUTHY else ""
        if isinstance(value, list):
            items = [str(item).strip() for item in value if item is not None and str(item).strip()]
            if lists_as_bullets:
                return "\n\n" + "\n".join(f"* {item}" for item in items) if items else ""
            return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + (items[-1] if items else "")
        return str(value)

    return PLACEHOLDER.sub(replace, text)


_BULLET = re.compile(r"^[ \t]*[*-][ \t]+", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_HEADING = re.compile(r"^#+[ \t]*", re.MULTILINE)


def plain_text(body: str) -> str:
    body = _LINK.sub(r"\1: \2", body)
    body = _HEADING.sub("", body)
    body = _BULLET.sub("• ", body)
    body = re.sub(r"\n{3,}", "\n\n", body.replace("\r\n", "\n"))
    return body.strip() + "\n"


def load(path: str = "") -> dict[str, Template]:
    """Templates by id. Raises ValueError when the file is not a list of templates."""
    raw = Path(path).read_text() if path else resources.files(__package__).joinpath("templates.json").read_text()
    document = json.loads(raw)
    entries = document.get("templates") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        raise ValueError("the templates file holds {\"templates\": [...]}")
    templates = {}
    for entry in entries:
        try:
            template = Template(id=str(entry["id"]), name=entry["name"], subject=entry["subject"],
                                body=entry["body"], version=int(entry.get("version", 1)))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"a template needs id, name, subject and body: {entry!r}") from exc
        templates[template.id] = template
    return templates
