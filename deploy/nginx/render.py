"""Render the gateway template for a local run: the same file docker-compose's nginx image uses.

    python deploy/nginx/render.py --out .run/nginx --port 8080 --accounts 127.0.0.1:8001 ...
"""
from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

TEMPLATE = Path(__file__).with_name("gateway.conf.template")
UPSTREAMS = ("accounts", "registrations", "inductions", "trs_sync", "lp_api")

MAIN_CONF = """{user}worker_processes 2;
pid {out}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
  default_type application/octet-stream;
  client_body_temp_path {out}/tmp/body;
  proxy_temp_path {out}/tmp/proxy;
  fastcgi_temp_path {out}/tmp/fastcgi;
  uwsgi_temp_path {out}/tmp/uwsgi;
  scgi_temp_path {out}/tmp/scgi;
  include {out}/gateway.conf;
}}
"""


def substitute(text: str, values: dict[str, str]) -> str:
    """envsubst for the named ${VARS} only; nginx's own $variables are left alone."""
    return re.sub(r"\$\{([A-Z_]+)\}", lambda m: values[m.group(1)] if m.group(1) in values else m.group(0), text)


def render(out_dir: str | Path, gateway_port: int, upstreams: dict[str, str]) -> Path:
    out = Path(out_dir).resolve()
    (out / "tmp").mkdir(parents=True, exist_ok=True)
    values = {"GATEWAY_PORT": str(gateway_port)}
    values.update({f"{name.upper()}_UPSTREAM": upstreams[name] for name in UPSTREAMS})
    (out / "gateway.conf").write_text(substitute(TEMPLATE.read_text(), values))
    main = out / "nginx.conf"
    # Run as root (CI, this machine), workers keep root's access to the temp paths made here.
    main.write_text(MAIN_CONF.format(out=out, user="user root;\n" if os.geteuid() == 0 else ""))
    return main


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=8080)
    for name in UPSTREAMS:
        parser.add_argument(f"--{name.replace('_', '-')}", required=True, dest=name)
    args = parser.parse_args()
    conf = render(args.out, args.port, {name: getattr(args, name) for name in UPSTREAMS})
    print(f"nginx -p {conf.parent} -c {conf} -g 'daemon off;'")


if __name__ == "__main__":
    main()
