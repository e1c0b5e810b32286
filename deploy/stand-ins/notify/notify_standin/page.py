"""GET /: the emails the stand-in received, newest first, for a person running the system locally (to click an
invitation's link, say). Plain HTML: one h1, a labelled filter, each email's recipient, subject, time and body with
its links made clickable. Notify has no such page; it is the stand-in's inbox."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template_string, request
from markupsafe import Markup, escape

bp = Blueprint("inbox", __name__)

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Emails sent (GOV.UK Notify stand-in)</title>
<style>
body { font-family: Arial, sans-serif; margin: 2rem auto; max-width: 50rem; padding: 0 1rem; line-height: 1.4; }
article { border-top: 1px solid #b1b4b6; padding: 1rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 .75rem; }
dt { font-weight: bold; }
.body { white-space: pre-wrap; margin: 0; }
a { color: #1d70b8; }
</style>
</head>
<body>
<main>
<h1>Emails sent (GOV.UK Notify stand-in)</h1>
<p>What the services asked GOV.UK Notify to send, newest first. Nothing here was really delivered.</p>
<form method="get" action="">
  <label for="to">Show emails to</label>
  <input id="to" name="to" type="search" value="{{ to }}" autocomplete="off">
  <button type="submit">Filter</button>
  {% if to %}<a href="?">Show all</a>{% endif %}
</form>
<p>{{ emails|length }} email{{ "" if emails|length == 1 else "s" }}{% if to %} to {{ to }}{% endif %}.</p>
{% for email in emails %}
<article aria-labelledby="email-{{ email.id }}">
  <h2 id="email-{{ email.id }}">{{ email.subject }}</h2>
  <dl>
    <dt>To</dt><dd>{{ email.email_address }}</dd>
    <dt>Sent</dt>
    <dd><time datetime="{{ email.created_at.isoformat() }}">{{ email.created_at.strftime("%-d %B %Y, %H:%M:%S UTC") }}</time></dd>
    <dt>Template</dt><dd>{{ email.template_name }}</dd>
    {% if email.reference %}<dt>Reference</dt><dd>{{ email.reference }}</dd>{% endif %}
  </dl>
  <p class="body">{{ links(email.body) }}</p>
</article>
{% endfor %}
</main>
</body>
</html>
"""


def links(text: str) -> Markup:
    """The text escaped, with every http(s) URL in it a link."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@bp.get("/")
def inbox():
    to = request.args.get("to", "").strip()
    emails = current_app.extensions["notify_standin"].store.newest_first()
    if to:
        emails = [e for e in emails if to.lower() in e.email_address.lower()]
    return render_template_string(PAGE, emails=emails, to=to, links=links)
