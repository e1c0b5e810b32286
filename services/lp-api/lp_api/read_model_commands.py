"""`python -m lp_api rebuild-read-models | add-delivery-partner`."""
from __future__ import annotations

import argparse
import sys

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from lp_api.api_audit import Caller
from lp_api.cli_support import operator, unit_of_work, uuid_arg
from lp_api.partnerships import add_delivery_partner
from lp_api.rebuild import rebuild_read_models
from lp_api.settings import LpApiSettings


def rebuild(settings: LpApiSettings, argv: list[str]) -> int:
    argparse.ArgumentParser(prog="lp_api rebuild-read-models",
                            description="Rebuild lp-api's read models by replaying its event log.").parse_args(argv)
    columns = (TextColumn("replaying events"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as progress, unit_of_work(settings) as uow:
        task = progress.add_task("replay", total=None)
        replayed = rebuild_read_models(uow.session, lambda done, total: progress.update(task, completed=done,
                                                                                         total=total))
        uow.commit()
    print(f"Rebuilt lp-api's read models from {replayed} events.", file=sys.stderr)
    return 0


def add_relationship(settings: LpApiSettings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="lp_api add-delivery-partner",
        description="Let a lead provider report partnerships with a delivery partner for a cohort.")
    parser.add_argument("--lead-provider-id", required=True, type=uuid_arg)
    parser.add_argument("--delivery-partner-id", required=True, type=uuid_arg)
    parser.add_argument("--cohort", required=True, type=int, action="append", help="repeat for several cohorts")
    parser.add_argument("--by", default=None, help="who is adding it (default: the login name)")
    args = parser.parse_args(argv)
    caller = Caller(lead_provider_id=args.lead_provider_id, performed_by=args.by or operator())
    with unit_of_work(settings) as uow:
        added = [c for c in args.cohort if add_delivery_partner(uow.session, caller, args.delivery_partner_id, c)]
        uow.commit()
    print(f"Delivery partner {args.delivery_partner_id} for lead provider {args.lead_provider_id}: "
          f"cohorts {', '.join(map(str, args.cohort))} ({len(added)} new).")
    return 0
