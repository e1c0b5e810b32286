"""`ecf-bus`: declare or export the broker topology, print the event catalogue, inspect dead letters."""
from __future__ import annotations

import argparse
import json
import sys

from ecf_shared import contracts
from ecf_shared.bus import amqp, topology
from ecf_shared.settings import Settings


def catalogue_markdown() -> str:
    lines = ["| type | version | producer | consumers | ordered by | payload | description |",
             "|---|---|---|---|---|---|---|"]
    for c in sorted(contracts.catalogue().values(), key=lambda c: c.type):
        fields_ = ", ".join(f"`{name}`" + ("" if f.required else "?") for name, f in c.schema().fields.items())
        ordered_by = ", ".join(f"`{f}`" for f in c.ordered_by) or "—"
        lines.append(f"| `{c.type}` | {c.version} | {c.producer} | {', '.join(c.consumers) or '—'} | {ordered_by} "
                     f"| {fields_} | {c.description} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecf-bus")
    sub = parser.add_subparsers(dest="command", required=True)
    declare = sub.add_parser("declare", help="declare exchanges, queues and bindings (idempotent)")
    declare.add_argument("--amqp-url")
    export = sub.add_parser("export", help="write the topology as RabbitMQ definitions JSON")
    export.add_argument("path")
    sub.add_parser("catalogue", help="print the event catalogue as a markdown table")
    dead = sub.add_parser("dead-letters", help="show what sits in a consumer's dead-letter queue")
    dead.add_argument("consumer")
    dead.add_argument("--amqp-url")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    topo = topology.build(settings.consumer_retry_delays)

    if args.command == "declare":
        url = args.amqp_url or settings.amqp_url
        with amqp.broker(url, name="ecf-bus") as connection:
            try:
                connection.connect()
            except Exception as exc:  # noqa: BLE001 - report any connection failure plainly
                print(f"cannot reach RabbitMQ at {url}: {exc or type(exc).__name__}. Start it or set AMQP_URL.",
                      file=sys.stderr)
                return 1
            topology.declare(connection.default_channel, topo)
        print(f"declared {len(topo.exchanges)} exchanges, {len(topo.queues)} queues, {len(topo.bindings)} bindings")
    elif args.command == "export":
        with open(args.path, "w") as fh:
            json.dump(topology.definitions(topo), fh, indent=2)
            fh.write("\n")
        print(f"wrote {args.path}")
    elif args.command == "catalogue":
        print(catalogue_markdown())
    elif args.command == "dead-letters":
        from ecf_shared.bus.consumer import dead_letters

        with amqp.connect(args.amqp_url or settings.amqp_url, name="ecf-bus") as connection:
            for item in dead_letters(connection.channel(), args.consumer):
                print(json.dumps({"headers": item["headers"], "body": item["body"].decode(errors="replace")}, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
