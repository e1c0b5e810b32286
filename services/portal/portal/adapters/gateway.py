"""The services, as the portal reaches them: over HTTP through the gateway, like any other client.

Answers are JSON; every refusal becomes a ServiceError carrying the service's status, code, message and field
messages (the one error shape every service shares), so pages can show them. The gateway or a service being
down is ServiceUnavailable; a timeout on a write is never retried (it may have happened). A download (`stream`) is
passed on as it arrives, never held whole."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import requests
from requests.adapters import HTTPAdapter

from ecf_shared import correlation


@dataclass
class ServiceError(Exception):
    status: int
    code: str
    message: str
    fields: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    def field_messages(self) -> dict[str, str]:
        """The first message of each field (webargs nests lists; bulk rows nest dicts)."""
        out = {}
        for name, messages in (self.fields or {}).items():
            if isinstance(messages, list) and messages:
                out[name] = str(messages[0])
            elif isinstance(messages, str):
                out[name] = messages
        return out


class ServiceUnavailable(Exception):
    pass


@dataclass
class Answer:
    status: int
    body: object
    headers: dict

    @property
    def pagination(self) -> dict | None:
        raw = self.headers.get("X-Pagination")
        return json.loads(raw) if raw else None


@dataclass
class Download:
    """A service's answer still arriving: its headers now, its body a chunk at a time (the connection is given back
    when the last chunk is read, or when whoever reads stops early)."""

    headers: dict
    response: requests.Response
    chunk_size: int = 64 * 1024

    def chunks(self) -> Iterator[bytes]:
        try:
            yield from self.response.iter_content(self.chunk_size)
        finally:
            self.response.close()


class Gateway:
    def __init__(self, base_url: str, *, timeout: float = 15.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32, max_retries=0)
        self.http.mount("http://", adapter)
        self.http.mount("https://", adapter)

    def _send(self, method: str, path: str, *, token: str | None, accept: str = "application/json", **kwargs):
        headers = {"Accept": accept, correlation.HEADER: correlation.current()}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return self.http.request(method, f"{self.base_url}{path}", headers=headers, timeout=self.timeout,
                                     allow_redirects=False, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ServiceUnavailable(f"{method} {path}: {type(exc).__name__}") from exc

    def call(self, method: str, path: str, *, token: str | None = None, json_body=None, params=None, data=None,
             files=None) -> Answer:
        response = self._send(method, path, token=token, json=json_body, params=params, data=data, files=files)
        return self._answer(method, path, response)

    def stream(self, path: str, *, token: str | None = None, params=None) -> Download:
        """GET a download: refused as `call` refuses (the error answers are small JSON); otherwise its body unread."""
        response = self._send("GET", path, token=token, accept="text/csv, application/json", params=params, stream=True)
        if response.status_code >= 400:
            try:
                self._answer("GET", path, response)
            finally:
                response.close()
        return Download(dict(response.headers), response)

    def _answer(self, method: str, path: str, response: requests.Response) -> Answer:
        body = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = None
        if response.status_code >= 500 or (response.status_code >= 400 and not isinstance(body, dict)):
            raise ServiceUnavailable(f"{method} {path}: {response.status_code}")
        if response.status_code >= 400:
            raise ServiceError(response.status_code, str(body.get("code") or "error"), str(body.get("message") or ""),
                               fields=body.get("fields") or {}, details=body.get("details") or {},
                               headers=dict(response.headers))
        return Answer(response.status_code, body, dict(response.headers))
