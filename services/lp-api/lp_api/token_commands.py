"""`python -m lp_api create-token | revoke-token`: how DfE staff issue and withdraw lead provider tokens."""
from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from lp_api.adapters import organisations
from lp_api.cli_support import operator as _operator
from lp_api.cli_support import unit_of_work as _uow
from lp_api.cli_support import uuid_arg as _uuid
from lp_api.settings import LpApiSettings
from lp_api.token_store import issue_token, revoke_token


def create_token(settings: LpApiSettings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lp_api create-token",
                                     description="Issue an API token for a lead provider; it is printed once.")
    parser.add_argument("--lead-provider-id", required=True, type=_uuid)
    parser.add_argument("--name", required=True, help="what the token is for, e.g. 'Ambition LMS production'")
    parser.add_argument("--by", default=None, help="who is issuing it (default: the login name)")
    args = parser.parse_args(argv)
    if not args.name.strip():
        parser.error("--name must not be blank")
    with _uow(settings) as uow:
        known = uow.session.execute(select(organisations.c.type).where(organisations.c.id == args.lead_provider_id)).scalar()
        if known != "lead_provider":
            print(f"warning: {args.lead_provider_id} is not a lead provider lp-api knows of "
                  f"({'unknown organisation' if known is None else known}); issuing anyway", file=sys.stderr)
        issued = issue_token(uow.session, settings.lp_token_hash_key, lead_provider_id=args.lead_provider_id,
                             name=args.name.strip(), performed_by=args.by or _operator())
        uow.commit()
    print(f"Token {issued.id} issued for lead provider {issued.lead_provider_id}. "
          "It is shown once, below; only its hash is kept.", file=sys.stderr)
    print(issued.token)
    return 0


def revoke(settings: LpApiSettings, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lp_api revoke-token", description="Revoke a lead provider API token.")
    parser.add_argument("--id", required=True, type=_uuid, help="the token's id (printed when it was issued)")
    parser.add_argument("--by", default=None, help="who is revoking it (default: the login name)")
    args = parser.parse_args(argv)
    with _uow(settings) as uow:
        outcome = revoke_token(uow.session, args.id, performed_by=args.by or _operator())
        uow.commit()
    if outcome == "unknown":
        print(f"No token with id {args.id}.", file=sys.stderr)
        return 1
    print(f"Token {args.id} {'revoked' if outcome == 'revoked' else 'was already revoked'}.")
    return 0


