"""Issue 14, no input gets a 5xx: what every service built with build_app answers for input that PostgreSQL,
UTF-8 or Python would refuse deeper down (the whole system is tested the same way in tests-e2e)."""
from datetime import date

import pytest
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, validate
from sqlalchemy.exc import IntegrityError

from ecf_shared import dates
from ecf_shared.settings import Settings
from ecf_shared.web import fields
from ecf_shared.web.app import build_app
from ecf_shared.web.auth import public

DEEP = '{"a":' * 5000 + "1" + "}" * 5000


class ThingSchema(Schema):
    name = fields.String(required=True)
    email = fields.Email()
    tags = fields.List(fields.String())
    started_on = fields.Date()
    at = fields.DateTime()
    count = fields.Integer(validate=validate.Range(min=0))


class PageSchema(Schema):
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
    q = fields.String()


def make_app():
    blp = Blueprint("things", __name__, url_prefix="/things")

    @blp.route("")
    @public
    class Things(MethodView):
        @blp.arguments(ThingSchema)
        def post(self, data):
            return {"name": data["name"]}

        @blp.arguments(PageSchema, location="query")
        def get(self, args):
            return {"offset": args["offset"]}

    @blp.route("/raw", methods=["POST"])
    @public
    def raw():
        body = request.get_json(silent=True)
        return {"got": body is not None}

    @blp.route("/by-name/<name>")
    @public
    def by_name(name):
        return {"name": name}

    @blp.route("/race", methods=["POST"])
    @public
    def race():
        raise IntegrityError("INSERT INTO things", {}, Exception('duplicate key value violates unique constraint "u"'))

    app = build_app(Settings.from_env({}, service_name="things"), title="Things", blueprints=[blp])
    app.testing = False  # errors answer as in production
    return app


@pytest.fixture(scope="module")
def client():
    return make_app().test_client()


def post_json(client, url, text):
    return client.post(url, data=text.encode("utf-8", "surrogatepass"), content_type="application/json")


@pytest.mark.parametrize("url", ["/things", "/things/raw"])
def test_json_nested_thousands_deep_is_refused_with_a_400(client, url):
    response = post_json(client, url, DEEP)
    assert response.status_code == 400
    assert "nested more than 64 levels" in response.get_json()["message"]


def test_json_nested_deeper_than_the_limit_but_within_python_s_is_refused_too(client):
    response = post_json(client, "/things/raw", "[" * 65 + "]" * 65)
    assert response.status_code == 400
    assert post_json(client, "/things/raw", "[" * 64 + "]" * 64).get_json() == {"got": True}


@pytest.mark.parametrize("value", ["a\\u0000b", "\\ud800", "x\\udfff"])
@pytest.mark.parametrize("field", ["name", "email", "tags"])
def test_nul_and_lone_surrogates_in_text_get_a_422_naming_the_field(client, field, value):
    body = {"name": '"ok"', "email": '"a@b.example"', "tags": '["t"]'}
    body[field] = f'["{value}"]' if field == "tags" else f'"{value}"'
    response = post_json(client, "/things", "{" + ",".join(f'"{k}":{v}' for k, v in body.items()) + "}")
    assert response.status_code == 422
    assert field in response.get_json()["fields"]


def test_a_pair_of_surrogates_is_an_ordinary_character(client):
    response = post_json(client, "/things", '{"name": "\\ud83d\\ude00"}')
    assert response.status_code == 200 and response.get_json() == {"name": "\U0001F600"}


@pytest.mark.parametrize("query", ["q=a%00b", "other=a%00b", "a%00b=1"])
def test_nul_in_the_query_string_gets_a_422(client, query):
    response = client.get(f"/things?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["code"] == "invalid_input"


def test_nul_in_a_path_value_is_not_found(client):
    assert client.get("/things/by-name/a%00b").status_code == 404


@pytest.mark.parametrize("offset", ["9223372036854775808", "2147483648", str(10**40), "-9223372036854775809"])
def test_integers_beyond_postgresql_s_get_a_422(client, offset):
    response = client.get(f"/things?offset={offset}")
    assert response.status_code == 422
    assert "offset" in response.get_json()["fields"]


def test_an_integer_field_keeps_its_own_range(client):
    assert client.get("/things?offset=-1").get_json()["fields"]["offset"] == ["Must be greater than or equal to 0."]
    assert client.get("/things?offset=2147483647").status_code == 200


@pytest.mark.parametrize("field,value", [("started_on", "9999-12-31"), ("started_on", "0001-01-01"),
                                         ("started_on", "1899-12-31"), ("at", "9999-12-31T23:59:59Z")])
def test_dates_outside_1900_to_2100_get_a_422(client, field, value):
    response = client.post("/things", json={"name": "x", field: value})
    assert response.status_code == 422
    assert response.get_json()["fields"][field] == ["Must be a date between 1900-01-01 and 2100-12-31."]


def test_dates_inside_the_range_are_accepted(client):
    assert client.post("/things", json={"name": "x", "started_on": "2100-12-31", "at": "1900-01-01T00:00:00Z"}
                       ).status_code == 200


def test_a_unique_constraint_race_is_a_409_conflict(client):
    response = client.post("/things/race")
    assert response.status_code == 409
    assert response.get_json()["code"] == "conflict"


def test_date_arithmetic_saturates_at_the_calendar_s_ends():
    assert dates.add_days(date(9999, 12, 31), 30) == date.max
    assert dates.add_days(date(1, 1, 1), -1) == date.min
    assert dates.add_days(date(2026, 1, 31), 1) == date(2026, 2, 1)
    assert dates.add_years(date(9999, 6, 1), 7) == date.max
    assert dates.add_years(date(2024, 2, 29), 7) == date(2031, 2, 28)
    assert dates.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_the_edit_rules_evaluate_a_completed_date_at_the_calendar_s_end():
    from ecf_shared import edit_rules

    proposal = edit_rules.Proposal(field="status", actor="appropriate_body", state="Passed", change="InProgress",
                                   today=date(9999, 12, 31), completed_date=date(9999, 12, 31), written_by_cpd=True)
    assert edit_rules.evaluate(proposal).outcome in ("allowed", "denied", "manual_handling")


def test_an_int_path_value_past_postgresql_s_integer_is_not_found():
    app = make_app()

    @app.route("/numbered/<int:number>")
    @public
    def numbered(number):
        return {"number": number}

    client = app.test_client()
    assert client.get("/numbered/2147483647").get_json() == {"number": 2147483647}
    assert client.get("/numbered/9223372036854775808").status_code == 404
