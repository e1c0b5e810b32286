"""Bulk uploads (a file with one bad row creates nothing) and what one school can never see of another."""
from pathlib import Path

from journeys import START, ects, register_an_ect, seed


def csv_file(tmp_path: Path, system, rows: list[tuple]) -> Path:
    path = tmp_path / "ects.csv"
    lines = ["trn,date_of_birth,started_on,email,working_pattern,appropriate_body_id,training_programme,lead_provider_id,cohort"]
    for trn, email in rows:
        lines.append(f"{trn},1995-03-14,{START.isoformat()},{email},full_time,{system.org('ab-1')},school_led,,2026")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_bulk_upload_with_one_bad_row_creates_nothing_and_shows_why(people, system, tmp_path):
    seed(system, "2600001", "Bulk", "One")
    seed(system, "2600002", "Bulk", "Two")
    alice = people("alice@oakfield.example")
    alice.goto("/school/ects")
    alice.click("Upload a file of ECTs or leavers")
    alice.click("Register ECTs")
    alice.press("Upload file")
    assert alice.errors() == {"Select a CSV file": "#file"}
    alice.upload("Upload a CSV file", csv_file(tmp_path, system, [("2600001", "one@oakfield.example"),
                                                                  ("2699999", "nobody@oakfield.example")]))
    alice.press("Upload file")
    alice.expect_h1("Your file has errors")
    rejected = alice.page.get_by_test_id("rejected-rows").inner_text()
    assert "3" in rejected and "2600001" not in rejected  # line 3, the unknown teacher; line 2 was fine
    assert alice.sees("Nothing in the file has been saved")
    alice.screenshot("bulk-rejected")
    assert "2600001" not in {e["trn"] for e in ects(system, "alice@oakfield.example")}
    alice.upload("Upload a CSV file", csv_file(tmp_path, system, [("2600001", "one@oakfield.example"),
                                                                  ("2600002", "two@oakfield.example")]))
    alice.press("Upload file")
    alice.expect_h1("File uploaded")
    assert alice.sees("2 ECTs registered at Oakfield Primary School")
    assert {"2600001", "2600002"} <= {e["trn"] for e in ects(system, "alice@oakfield.example")}


def test_no_page_of_one_school_is_readable_by_a_user_of_another(people, system):
    seed(system, "2600003", "Private", "Person")
    alice = people("alice@oakfield.example")
    register_an_ect(alice, "2600003", "private@oakfield.example")
    ect = next(e for e in ects(system, "alice@oakfield.example") if e["trn"] == "2600003")
    priya = people("priya@providers.example")  # works for Riverside (and others), not Oakfield
    priya.choose("Riverside Academy")
    priya.press("Continue")
    for path in (f"/school/ects/{ect['id']}", f"/school/ects/{ect['id']}/change/email",
                 f"/school/ects/{ect['id']}/assign-mentor", f"/school/ects/{ect['id']}/leaving",
                 f"/school/ects?school={system.org('school-1')}", f"/school/users?school={system.org('school-1')}",
                 f"/school/contacts?school={system.org('school-1')}"):
        priya.goto(path)
        assert "Private Person" not in priya.page.content() and "alice@oakfield.example" not in priya.page.content(), path
    priya.goto(f"/school/ects/{ect['id']}")
    priya.expect_h1("Page not found")
