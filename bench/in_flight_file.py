"""A synthetic legacy in-flight file for the import (valid and invalid rows in known counts) and the TRS persons
that go with it.

    .venv/bin/python bench/in_flight_file.py OUT.csv --rows 100000 [--mapping MAPPING.csv] [--trs TRS.json]

Prints the counts the import should report. Rows are not grouped by teacher (second periods and duplicates come at
the end), so the import must group them itself; a few rows are not UTF-8.
"""
from __future__ import annotations

import argparse
import csv
import json
import uuid
from collections import Counter

COLUMNS = ("TRN", "Date of birth", "Appropriate body", "Induction period start date", "Induction period end date",
           "Number of terms", "Induction programme", "Outcome")
BODIES = [(f"Legacy Hub {n}", str(uuid.UUID(int=n + 1))) for n in range(20)]
# Per 50 teachers: kind -> how many. Every kind's rows and what the import reports are known.
MIX = {"in_progress": 33, "released_then_claimed": 5, "passed": 4, "duplicate": 2, "future_start": 1,
       "unknown_body": 1, "trs_passed_file_in_progress": 1, "trs_unknown": 1, "overlapping": 1, "undecodable": 1}
ROWS_PER_KIND = {"released_then_claimed": 2, "duplicate": 2, "overlapping": 2}
TRS_REQUEST = 500


def kinds(teachers: int):
    cycle = [kind for kind, n in MIX.items() for _ in range(n)]
    return [cycle[i % len(cycle)] for i in range(teachers)]


def teachers_for_rows(rows: int) -> int:
    per_cycle = sum(n * ROWS_PER_KIND.get(k, 1) for k, n in MIX.items())
    return max(1, rows * sum(MIX.values()) // per_cycle)


def generate(path: str, rows: int) -> tuple[dict, list[dict]]:
    """Writes the file; returns (expected summary, TRS persons to seed)."""
    teachers = teachers_for_rows(rows)
    first, later, persons = [], [], []
    expected = Counter()
    for i, kind in enumerate(kinds(teachers)):
        trn, dob = f"{3000000 + i:07d}", f"{1990 + i % 10}-0{1 + i % 9}-1{i % 10}"
        legacy_dob = f"{dob[8:10]}/{dob[5:7]}/{dob[0:4]}"
        name, _ = BODIES[i % len(BODIES)]
        row = [trn, legacy_dob, name, "01/09/2024", "", "", "Full induction programme", ""]
        trs = {"trn": trn, "firstName": "Syn", "lastName": f"Teacher{i}", "dateOfBirth": dob, "qtsDate": "2024-07-01",
               "inductionStatus": "InProgress", "inductionStartDate": "2024-09-01"}
        if kind == "released_then_claimed":
            first.append([trn, legacy_dob, name, "01/09/2024", "31/03/2025", "2", "FIP", ""])
            later.append([trn, legacy_dob, BODIES[(i + 1) % len(BODIES)][0], "2025-04-01", "", "", "CIP", ""])
            trs["inductionStatus"], trs["inductionStartDate"] = "RequiredToComplete", None
            expected["imported"] += 1
            expected["periods"] += 2
            expected["trs_puts"] += 1
        elif kind == "passed":
            first.append([trn, legacy_dob, name, "01/09/2024", "20/07/2026", "6", "FIP", "Passed"])
            trs.update(inductionStatus="Passed", inductionCompletedDate="2026-07-20")
            expected["imported"] += 1
            expected["periods"] += 1
        elif kind == "duplicate":
            first.append(row)
            later.append(row)
            expected["imported"] += 1
            expected["periods"] += 1
            expected["duplicate_row"] += 1
        elif kind == "future_start":
            first.append([*row[:3], "01/09/2099", *row[4:]])
            expected["start_in_future"] += 1
        elif kind == "unknown_body":
            first.append([row[0], row[1], "A Hub Nobody Mapped", *row[3:]])
            expected["unknown_appropriate_body"] += 1
        elif kind == "trs_passed_file_in_progress":
            first.append(row)
            trs.update(inductionStatus="Passed", inductionCompletedDate="2026-07-01")
            expected["trs_completed"] += 1
            expected["trs_mismatches"] += 1
        elif kind == "trs_unknown":
            first.append(row)
            trs = None
            expected["trs_not_found"] += 1
            expected["trs_mismatches"] += 1
        elif kind == "overlapping":
            first.append([*row[:4], "31/03/2025", "2", *row[6:]])
            later.append([*row[:3], "01/03/2025", *row[4:]])
            expected["overlapping_periods"] += 1
            expected["other_row_rejected"] += 1
        elif kind == "undecodable":
            first.append([*row[:2], "Caf\udce9 Hub", *row[3:]])
            expected["undecodable"] += 1
            trs = None
        else:
            first.append(row)
            expected["imported"] += 1
            expected["periods"] += 1
        if trs is not None:
            persons.append(trs)
    with open(path, "w", newline="", encoding="utf-8", errors="surrogateescape") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(first)
        writer.writerows(later)
    asked = teachers - expected["start_in_future"] - expected["unknown_appropriate_body"] - \
        expected["overlapping_periods"] - expected["undecodable"]
    expected["rows"] = len(first) + len(later)
    expected["trs_requests"] = -(-asked // TRS_REQUEST)
    return dict(expected), persons


def write_mapping(path: str) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["legacy name", "appropriate body id"])
        writer.writerows(BODIES)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--mapping", help="also write the mapping file of the file's appropriate bodies here")
    p.add_argument("--trs", help="also write the TRS persons (the stand-in's seed format) here")
    args = p.parse_args()
    expected, persons = generate(args.out, args.rows)
    if args.mapping:
        write_mapping(args.mapping)
    if args.trs:
        with open(args.trs, "w") as fh:
            json.dump({"persons": persons}, fh)
    print(json.dumps(expected, indent=2))


if __name__ == "__main__":
    main()
