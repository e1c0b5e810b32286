"""Calling another service over HTTP: timeouts, retries with back-off (tenacity), correlation id forwarded."""
from __future__ import annotations

import requests
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from ecf_shared import correlation
from ecf_shared.errors import Unavailable


class ServiceUnavailable(Unavailable):
    pass


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return True
    return isinstance(exc, _RetryableStatus)


class _RetryableStatus(Exception):
    def __init__(self, response):
        super().__init__(f"{response.status_code} from {response.url}")
        self.response = response


class ServiceClient:
    def __init__(self, base_url: str, *, name: str, timeout: float = 5.0, attempts: int = 3):
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.timeout = timeout
        self.attempts = attempts
        self.session = requests.Session()

    def get(self, path: str, *, token: str | None = None, params: dict | None = None) -> requests.Response:
        return self.request("GET", path, token=token, params=params)

    def post(self, path: str, *, token: str | None = None, json: dict | None = None) -> requests.Response:
        """Only for requests that are safe to repeat (a read with a body): transient failures are retried."""
        return self.request("POST", path, token=token, json=json)

    def request(self, method: str, path: str, *, token: str | None = None, params: dict | None = None,
                json: dict | None = None) -> requests.Response:
        headers = {correlation.HEADER: correlation.current(), "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"

        @retry(retry=retry_if_exception(_transient), stop=stop_after_attempt(self.attempts),
               wait=wait_exponential_jitter(multiplier=0.1, max=1.0, jitter=0.1), reraise=True)
        def call():
            response = self.session.request(method, f"{self.base_url}{path}", params=params, json=json, headers=headers,
                                            timeout=self.timeout)
            if response.status_code in (502, 504):
                raise _RetryableStatus(response)
            return response

        try:
            return call()
        except _RetryableStatus as exc:
            return exc.response
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ServiceUnavailable(f"{self.name} is unavailable; try again shortly.", code=f"{self.name}_unavailable",
                                     headers={"Retry-After": "5"}) from exc
