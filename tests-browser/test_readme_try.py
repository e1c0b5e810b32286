"""What `make up` prints under "Try" works as written: the registered ECT ends up in the lead provider API."""
import json
import re

import requests

from system import eventually, stack


def test_the_banners_try_ends_with_the_participant_in_the_lead_provider_api(system):
    stack.partner_demo(system.cfg, system.demo)  # as `make up` does; idempotent
    text = stack.banner(system.cfg, system.demo)
    body = next(json.loads(b) for b in re.findall(r"-d '(\{.*?\})'", text) if '"trn"' in b)
    lp_token = re.search(r"participants/ecf -H \"Authorization: Bearer ([\w-]+)\"", text).group(1)
    token = system.sign_in("alice@oakfield.example")["access_token"]
    registered = requests.post(f"{system.gateway}/registrations/ects", json=body, timeout=20,
                               headers={"Authorization": f"Bearer {token}"})
    assert registered.status_code in (201, 409), registered.text

    def participant():
        listed = requests.get(f"{system.gateway}/api/v3/participants/ecf", timeout=10,
                              headers={"Authorization": f"Bearer {lp_token}"}).json()["data"]
        return next((p for p in listed if p["attributes"]["teacher_reference_number"] == body["trn"]), None)
    found = eventually(participant, timeout=30)
    assert found["attributes"]["full_name"] == "Grace Hopper"
