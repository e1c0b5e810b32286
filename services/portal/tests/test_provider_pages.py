"""The delivery partner and lead provider pages with the services replaced by a recording fake gateway: each page
renders with one h1 and asks lp-api with the filters chosen; ids in the URL that are not the user's give the
not-found or forbidden page and ask nothing more; the CSV file is passed on as it arrives, not held whole."""
import pytest

from portal.adapters.gateway import Answer, Download, ServiceError
from test_pages import FakeGateway, h1s, signed_in  # noqa: F401

DELTA, ECHO = "d0000000-0000-0000-0000-000000000001", "d0000000-0000-0000-0000-000000000002"
NORTHERN, BRIGHTSIDE = "10000000-0000-0000-0000-000000000001", "10000000-0000-0000-0000-000000000002"
STRANGER = "10000000-0000-0000-0000-000000000009"
OAKFIELD = "50000000-0000-0000-0000-000000000001"
PARTNERSHIP = "90000000-0000-0000-0000-000000000001"
ME = {"user_id": "33333333-3333-3333-3333-333333333333", "email": "dana@deltapartners.example", "name": "Dana",
      "mode": "blended", "acting_organisation_id": None, "staff_role": None}
ORGS = [{"organisation_id": DELTA, "name": "Delta Partners", "type": "delivery_partner", "role": "end_user"}]
LEAD_PROVIDERS = [{"id": BRIGHTSIDE, "name": "Brightside Learning", "cohorts": [2026]},
                  {"id": NORTHERN, "name": "Northern Lights Teaching", "cohorts": [2025, 2026]}]
OAKFIELD_2026 = {"id": PARTNERSHIP, "cohort": 2026, "school_id": OAKFIELD, "school_name": "Oakfield Primary School",
                 "school_urn": "100001", "lead_provider_id": NORTHERN, "lead_provider_name": "Northern Lights Teaching",
                 "delivery_partner_id": DELTA, "delivery_partner_name": "Delta Partners", "participants": 1,
                 "created_at": "2026-06-01T10:00:00+00:00", "updated_at": "2026-06-01T10:00:00+00:00",
                 "contacts": {"induction_tutor_name": "Tess Tutor", "induction_tutor_email": "tess@oakfield.example",
                              "school_contacts": [{"name": "Tess Tutor", "email": "tess@oakfield.example",
                                                   "role": "induction_tutor"},
                                                  {"name": None, "email": "office@oakfield.example",
                                                   "role": "school_contact"}]}}
ADA = {"id": "e1", "teacher_id": "t1", "full_name": "Ada Lovelace", "first_name": "Ada", "last_name": "Lovelace",
       "trn": "1000001", "participant_type": "ect", "cohort": 2026, "training_status": "active",
       "participant_status": "active", "induction_status": "InProgress", "school_id": OAKFIELD,
       "school_name": "Oakfield Primary School", "school_urn": "100001", "lead_provider_id": NORTHERN,
       "lead_provider_name": "Northern Lights Teaching", "delivery_partner_id": DELTA,
       "delivery_partner_name": "Delta Partners"}
MARY = {**ADA, "id": "e2", "full_name": "Mary Mentor", "trn": "1000002", "participant_type": "mentor",
        "induction_status": None, "training_status": "deferred"}


class FakeStream:
    """A download arriving: records how many chunks were read from it, and whether it was closed."""

    def __init__(self, chunks):
        self.remaining, self.read, self.closed = list(chunks), 0, False

    def iter_content(self, chunk_size):
        for chunk in self.remaining:
            self.read += 1
            yield chunk

    def close(self):
        self.closed = True


class RecordingGateway(FakeGateway):
    def __init__(self):
        super().__init__()
        self.params, self.streams = [], []

    def call(self, method, path, **kwargs):
        params = kwargs.get("params") or {}
        self.params.append((path, params))
        answer = super().call(method, path, **kwargs)
        if params.get("school_id") and isinstance(answer.body, list):  # as lp-api filters
            return Answer(200, [p for p in answer.body if p["school_id"] == params["school_id"]], {})
        return answer

    def stream(self, path, *, token=None, params=None):
        self.params.append((path, params or {}))
        answer = self.answers.get(("STREAM", path))
        if isinstance(answer, Exception):
            raise answer
        self.streams.append(FakeStream(answer))
        return Download({"Content-Type": "text/csv"}, self.streams[-1])

    def asked(self, path) -> list[dict]:
        return [params for called, params in self.params if called == path]


@pytest.fixture
def app(settings, db):
    from portal.app import create_app

    gateway = RecordingGateway()
    gateway.answers.update({
        ("GET", "/accounts/me"): ME, ("GET", "/accounts/me/organisations"): ORGS,
        ("GET", "/lp-api/delivery-partner/lead-providers"): LEAD_PROVIDERS,
        ("GET", "/lp-api/delivery-partner/partnerships"): [OAKFIELD_2026],
        ("GET", f"/lp-api/delivery-partner/partnerships/{PARTNERSHIP}"): OAKFIELD_2026,
        ("GET", "/lp-api/delivery-partner/participants"): [ADA, MARY],
        ("STREAM", "/lp-api/delivery-partner/participants.csv"): [b"full_name,trn\r\n", b"Ada Lovelace,1000001\r\n",
                                                                  b"Mary Mentor,1000002\r\n"]})
    app = create_app(settings.with_overrides(persona_signin_enabled=True), gateway=gateway)
    app.gateway = gateway
    return app


def test_a_delivery_partner_starts_at_its_schools_with_a_tab_per_cohort(app):
    client = signed_in(app)
    assert client.get("/").headers["Location"] == "/delivery-partner/schools"
    page = client.get("/delivery-partner/schools")
    assert page.status_code == 200 and len(h1s(page.text)) == 1
    assert "Oakfield Primary School" in page.text and "Tess Tutor" in page.text
    assert 'aria-current="page">2026' in page.text and "/delivery-partner/schools?cohort=2025" in page.text
    assert "All lead providers" in page.text and "Brightside Learning" in page.text
    assert app.gateway.asked("/lp-api/delivery-partner/partnerships")[-1]["cohort"] == 2026
    client.get(f"/delivery-partner/schools?cohort=2025&lead_provider={NORTHERN}")
    asked = app.gateway.asked("/lp-api/delivery-partner/partnerships")[-1]
    assert (asked["cohort"], asked["lead_provider_id"]) == (2025, NORTHERN)
    assert 'href="/delivery-partner/participants"' in page.text  # the section's navigation


def test_a_schools_page_shows_its_contacts_as_lead_providers_receive_them(app):
    client = signed_in(app)
    page = client.get(f"/delivery-partner/schools/{PARTNERSHIP}")
    assert page.status_code == 200 and len(h1s(page.text)) == 1
    for text in ("Oakfield Primary School", "100001", "Tess Tutor", "tess@oakfield.example", "office@oakfield.example",
                 "School contact", "Northern Lights Teaching"):
        assert text in page.text, text
    assert (f'<a class="govuk-link" href="/delivery-partner/participants?lead_provider={NORTHERN}&cohort=2026'
            f'&school={OAKFIELD}">1 participant</a>') in page.text.replace("&amp;", "&")
    assert client.get(f"/delivery-partner/schools/{OAKFIELD}").status_code == 404  # lp-api: not found
    before = len(app.gateway.params)
    assert client.get("/delivery-partner/schools/' OR 1=1").status_code == 404
    assert len(app.gateway.params) == before  # a value that is no id asks nothing


def test_participants_are_listed_with_their_filters_and_a_download_of_the_same(app):
    client = signed_in(app)
    page = client.get(f"/delivery-partner/participants?lead_provider={NORTHERN}&type=ect&training_status=active&q=ada"
                      f"&cohort=2026&school={OAKFIELD}")
    assert page.status_code == 200 and len(h1s(page.text)) == 1
    for text in ("Ada Lovelace", "TRN 1000001", "In progress", "Mary Mentor", "Not applicable", "Deferred"):
        assert text in page.text, text
    asked = app.gateway.asked("/lp-api/delivery-partner/participants")[-1]
    assert asked == {"lead_provider_id": NORTHERN, "participant_type": "ect", "training_status": "active", "q": "ada",
                     "cohort": 2026, "school_id": OAKFIELD, "page": 1, "page_size": 25}
    html = page.text.replace("&amp;", "&")
    assert (f"/delivery-partner/participants.csv?lead_provider={NORTHERN}&cohort=2026&school={OAKFIELD}&type=ect"
            "&training_status=active&q=ada") in html
    assert "Download these 2 participants (CSV)" in page.text


@pytest.mark.parametrize("query", [f"lead_provider={STRANGER}", "cohort=2019", "school=nope",
                                   f"school={STRANGER}", "delivery_partner=12"])
def test_filters_naming_what_is_not_the_users_give_the_not_found_page(app, query):
    client = signed_in(app)
    app.gateway.answers[("GET", "/lp-api/delivery-partner/partnerships")] = [OAKFIELD_2026]
    page = client.get(f"/delivery-partner/participants?{query}")
    assert page.status_code == 404 and "Page not found" in page.text
    assert not app.gateway.asked("/lp-api/delivery-partner/participants")
    assert client.get(f"/delivery-partner/participants.csv?{query}").status_code == 404
    assert not app.gateway.streams


def test_another_delivery_partners_id_is_refused_by_lp_api_as_a_forbidden_page(app):
    client = signed_in(app)
    app.gateway.answers[("GET", "/lp-api/delivery-partner/lead-providers")] = ServiceError(
        403, "not_your_organisation", "You are not a member of that organisation.")
    page = client.get(f"/delivery-partner/participants?delivery_partner={ECHO}")
    assert page.status_code == 403 and "You cannot do this" in page.text and "Ada" not in page.text
    assert app.gateway.asked("/lp-api/delivery-partner/lead-providers")[-1] == {"delivery_partner_id": ECHO}


def test_the_csv_file_is_passed_on_as_it_arrives(app):
    client = signed_in(app)
    response = client.get(f"/delivery-partner/participants.csv?lead_provider={NORTHERN}&cohort=2026", buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="participants-2026.csv"'
    assert app.gateway.asked("/lp-api/delivery-partner/participants.csv")[-1] == {
        "lead_provider_id": NORTHERN, "cohort": 2026}
    [upstream] = app.gateway.streams
    chunks = iter(response.response)
    assert next(chunks) == b"full_name,trn\r\n" and upstream.read == 1  # sent before the rest has even been read
    assert b"".join(chunks) == b"Ada Lovelace,1000001\r\nMary Mentor,1000002\r\n"
    response.close()
    assert upstream.closed


def test_a_refused_download_is_a_page(app):
    client = signed_in(app)
    app.gateway.answers[("STREAM", "/lp-api/delivery-partner/participants.csv")] = ServiceError(
        403, "wrong_organisation_type", "Only delivery partners' users can see this.")
    page = client.get("/delivery-partner/participants.csv")
    assert page.status_code == 403 and page.mimetype == "text/html"


def test_other_sections_users_do_not_reach_the_provider_pages(app):
    app.gateway.answers[("GET", "/accounts/me/organisations")] = [
        {"organisation_id": "s1", "name": "Oakfield", "type": "school", "role": "approver", "urn": "100001"}]
    client = signed_in(app)
    for path in ("/delivery-partner/schools", "/lead-provider/participants", "/lead-provider/participants.csv"):
        assert client.get(path).status_code == 403, path
    assert not [p for p, _ in app.gateway.params if p.startswith("/lp-api")]


def test_the_answer_pagination_header_pages_the_list(app):
    client = signed_in(app)
    gateway = app.gateway
    original = gateway.call

    def paged(method, path, **kwargs):
        answer = original(method, path, **kwargs)
        if path.endswith("/participants"):
            return Answer(200, answer.body, {"X-Pagination": '{"total": 60, "total_pages": 3, "page": 2}'})
        return answer

    gateway.call = paged
    page = client.get("/delivery-partner/participants?page=2")
    assert "60 participants" in page.text and "/delivery-partner/participants?page=3" in page.text
