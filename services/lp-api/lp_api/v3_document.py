"""The v3 OpenAPI document lead providers integrate against, shipped with the package as data."""
from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def v3_openapi_bytes() -> bytes:
    return files("lp_api").joinpath("data/ecf-lead-provider-api-v3.openapi.json").read_bytes()
