"""Load: N concurrent users register ECTs through the gateway for a fixed time, with 0 errors.

    .venv/bin/python bench/load.py --users 8 --seconds 60

Prints throughput and the propagation latency from registration commit to visibility in lp-api
(p50/p95/p99), and writes bench/results/load.json. Loopback only; bounded in time.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from harness import running_system, seed_teachers, write_json
from propagation import register_and_watch


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-registrations", type=int, default=20000)
    parser.add_argument("--scale", action="append", default=[], metavar="PROCESS=N",
                        help="run N of a Procfile process, e.g. lp-api-worker=2 (repeatable)")
    args = parser.parse_args()
    scale = {name: int(count) for name, count in (item.split("=", 1) for item in args.scale)}
    trns = [f"5{n:06d}" for n in range(args.max_registrations)]
    with running_system("load", scale=scale) as system:
        seed_teachers(system, trns)
        result = register_and_watch(system, trns, users=args.users, seconds=args.seconds)
    p = result["propagation_ms"]
    print(f"\nload: {args.users} users for {args.seconds:.0f}s through the gateway"
          + (f" ({', '.join(args.scale)})" if args.scale else ""))
    print(f"  registrations      {result['registrations']} ({result['registrations_per_second']}/s)")
    print(f"  errors             {result['errors']}")
    print(f"  propagation (ms)   p50 {p['p50']}  p95 {p['p95']}  p99 {p['p99']}  max {p['max']}")
    print(f"  not visible        {result['not_visible_after_60s']}")
    write_json(Path(__file__).parent / "results" / "load.json", result)
    return 0 if result["errors"] == 0 and result["not_visible_after_60s"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
