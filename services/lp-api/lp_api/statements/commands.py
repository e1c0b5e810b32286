"""`python -m lp_api close-statements`: make every statement whose cut-off date has passed payable now (the worker
does it every LP_STATEMENT_CHECK_INTERVAL_SECONDS)."""
from __future__ import annotations

import argparse
from datetime import date

from ecf_shared.events.envelope import Actor
from ecf_shared.settings import DEVELOPMENT_ENVIRONMENTS
from lp_api.cli_support import operator, unit_of_work
from lp_api.declarations.author import Author
from lp_api.declarations.clock import FinanceClock
from lp_api.settings import LpApiSettings
from lp_api.statements.payments import close_due_statements


def close_statements(settings: LpApiSettings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lp_api close-statements",
                                     description="Make statements whose cut-off date has passed payable.")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="YYYY-MM-DD: as if it were that day (a later day than today only with ENVIRONMENT=local "
                             "or test, to rehearse a statement's payment)")
    parser.add_argument("--by", default=None, help="who is running it (default: the login name)")
    args = parser.parse_args(argv)
    today = FinanceClock().today()
    as_of = args.as_of or today
    if as_of > today and settings.environment not in DEVELOPMENT_ENVIRONMENTS:
        parser.error(f"--as-of {as_of} is after today: only ENVIRONMENT=local or test may pass cut-offs early")
    by = args.by or operator()
    author = Author(Actor(type="staff", name=by), performed_by=f"{by} (close-statements)"[:200])
    with unit_of_work(settings) as uow:
        closed = close_due_statements(uow, as_of, author)
        uow.commit()
    print(f"{closed} statement(s) with a cut-off date before {as_of.isoformat()} are now payable.")
    return 0
