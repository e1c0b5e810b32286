"""trs-sync's lookup endpoint as its callers (registrations, inductions) see it over HTTP.

trs-sync's own tests cover TRS itself; callers' tests use this to exercise their real HTTP client."""
import threading

from flask import Flask, jsonify, request
from werkzeug.serving import make_server


class FakeTrsSync:
    """trs-sync's lookup endpoint as registrations sees it over HTTP (trs-sync's own tests cover TRS)."""

    def __init__(self):
        self.teachers: dict[str, dict] = {}
        self.deactivated: set[str] = set()
        self.down = False
        self.refuse_tokens = False  # answer 401, as trs-sync does to an expired access token
        self.finds: list[dict] = []  # bodies of POST /teachers/find, with the caller's Authorization header
        app = Flask("fake-trs-sync")

        @app.post("/teachers/find")
        def find():
            if self.down:
                return jsonify({"code": "trs_unavailable"}), 503
            if self.refuse_tokens:
                return jsonify({"code": "token_expired", "message": "The access token has expired."}), 401
            body = request.get_json()
            self.finds.append({"body": body, "authorization": request.headers.get("Authorization")})
            wanted = body["teachers"]
            found = [self.teachers[p["trn"]] for p in wanted if p["trn"] in self.teachers
                     and p["trn"] not in self.deactivated
                     and self.teachers[p["trn"]]["date_of_birth"] == p["date_of_birth"]]
            known = {t["trn"] for t in found}
            return jsonify({"teachers": found, "not_found": [p["trn"] for p in wanted if p["trn"] not in known],
                            "trs_requests": -(-len(wanted) // 500)})

        @app.get("/teachers/<trn>")
        def lookup(trn):
            if self.down:
                return jsonify({"code": "trs_unavailable"}), 503
            if trn in self.deactivated:
                return jsonify({"code": "teacher_deactivated"}), 410
            record = self.teachers.get(trn)
            if record is None or record["date_of_birth"] != request.args.get("date_of_birth"):
                return jsonify({"code": "teacher_not_found"}), 404
            return jsonify(record)

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, trn, *, dob="1995-04-01", status="RequiredToComplete", qts="2025-07-20", prohibited=False,
            current_trn=None, first="Ada", last="Lovelace", start=None, completed=None):
        self.teachers[trn] = {"trn": current_trn or trn, "first_name": first, "middle_name": "", "last_name": last,
                              "date_of_birth": dob, "qts_awarded_on": qts,
                              "induction": {"status": status, "start_date": start, "completed_date": completed},
                              "prohibited_from_teaching": prohibited, "merged_from": trn if current_trn else None}
