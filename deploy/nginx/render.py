"""Render the one gateway template for a local nginx: the same file docker-compose and Kubernetes mount
into the official nginx image's /etc/nginx/templates/. Standard library only.

As a module (deploy/local/stack.py, the end-to-end tests):

    from render import render                      # with deploy/nginx on sys.path
    conf = render(out_dir, 8080, {"accounts": "127.0.0.1:8001", "registrations": "127.0.0.1:8002",
                                  "inductions": "127.0.0.1:8003", "trs_sync": "127.0.0.1:8004",
                                  "lp_api": "127.0.0.1:8005", "portal": "127.0.0.1:8006"})
    subprocess.Popen(nginx_command(conf))          # nginx -p OUT -c OUT/nginx.conf -g 'daemon off;'

From a shell (prints the command that runs nginx in the foreground):

    python deploy/nginx/render.py --out .run/nginx --port 8080 --accounts 127.0.0.1:8001 \
        --registrations 127.0.0.1:8002 --inductions 127.0.0.1:8003 --trs-sync 127.0.0.1:8004 \
        --lp-api 127.0.0.1:8005 --portal 127.0.0.1:8006 [--check]

out_dir receives gateway.conf (the substituted template), nginx.conf (the main file: pid, error log to
stderr, temp paths under out_dir, events, http { mime types; gateway.conf }) and tmp/. It runs as root
or as any user who can write out_dir and bind the port.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("gateway.conf.template")
UPSTREAMS = ("accounts", "registrations", "inductions", "trs_sync", "lp_api", "portal")
VARIABLES = ("GATEWAY_PORT", *(f"{name.upper()}_UPSTREAM" for name in UPSTREAMS))
MIME_TYPES = (Path("/etc/nginx/mime.types"), Path("/usr/local/nginx/conf/mime.types"),
              Path("/opt/homebrew/etc/nginx/mime.types"), Path("/usr/local/etc/nginx/mime.types"))

MAIN_CONF = """# Written by deploy/nginx/render.py; run with: nginx -p {out} -c {out}/nginx.conf -g 'daemon off;'
{user}worker_processes 2;
pid {out}/nginx.pid;
error_log stderr warn;

events {{
  worker_connections 1024;
}}

http {{
{mime}  default_type application/octet-stream;
  access_log off;  # the gateway's server logs JSON to stdout itself
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  client_body_temp_path {out}/tmp/client_body;
  proxy_temp_path {out}/tmp/proxy;
  fastcgi_temp_path {out}/tmp/fastcgi;
  uwsgi_temp_path {out}/tmp/uwsgi;
  scgi_temp_path {out}/tmp/scgi;
  include {out}/gateway.conf;
}}
"""


def substitute(text: str, values: dict[str, str]) -> str:
    """envsubst restricted to the given ${NAMES}: nginx's own $variables (and unknown ${X}) stay as they are."""
    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)\}", lambda m: values.get(m.group(1), m.group(0)), text)


def template_values(gateway_port: int | str, upstreams: dict[str, str]) -> dict[str, str]:
    """The template's variables from a port and {service: host:port} (keys like trs_sync or trs-sync)."""
    given = {name.replace("-", "_"): str(address) for name, address in upstreams.items()}
    missing = [name for name in UPSTREAMS if not given.get(name)]
    unknown = sorted(set(given) - set(UPSTREAMS))
    if missing or unknown:
        raise ValueError(f"upstreams needs exactly {', '.join(UPSTREAMS)}"
                         f" (missing: {', '.join(missing) or '-'}; unknown: {', '.join(unknown) or '-'})")
    for name in UPSTREAMS:
        if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]:]+:\d+", given[name]):
            raise ValueError(f"upstream {name} must be host:port, not {given[name]!r}")
    values = {"GATEWAY_PORT": str(int(gateway_port))}
    values.update({f"{name.upper()}_UPSTREAM": given[name] for name in UPSTREAMS})
    return values


def render(out_dir: str | Path, gateway_port: int, upstreams: dict[str, str]) -> Path:
    """Write out_dir/gateway.conf and out_dir/nginx.conf; return the path of nginx.conf."""
    values = template_values(gateway_port, upstreams)
    out = Path(out_dir).resolve()
    (out / "tmp").mkdir(parents=True, exist_ok=True)
    rendered = substitute(TEMPLATE.read_text(), values)
    left = sorted(set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", rendered)))
    if left:
        raise ValueError(f"the template uses variables render() does not know: {', '.join(left)}")
    (out / "gateway.conf").write_text(rendered)
    mime = next((p for p in MIME_TYPES if p.is_file()), None)
    main = out / "nginx.conf"
    main.write_text(MAIN_CONF.format(
        out=out,
        # As root, nginx would switch its workers to `nobody`, who may not reach out_dir (e.g. under
        # /root); keep root. As anyone else the directive is meaningless and nginx warns, so leave it out.
        user="user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else "",
        mime=f"  include {mime};\n" if mime else "",
    ))
    return main


def nginx_binary() -> str:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()),
                                         "nginx")


def nginx_command(conf: str | Path, *, nginx: str | None = None, test: bool = False) -> list[str]:
    """The command that runs (or with test=True, checks) the rendered config in the foreground."""
    conf = Path(conf).resolve()
    command = [nginx or nginx_binary(), "-p", str(conf.parent), "-c", str(conf)]
    return [*command, "-t"] if test else [*command, "-g", "daemon off;"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the gateway template for a local nginx.")
    parser.add_argument("--out", required=True, help="directory for nginx.conf, gateway.conf and temp files")
    parser.add_argument("--port", type=int, default=8080, help="the gateway's port (default 8080)")
    for name in UPSTREAMS:
        parser.add_argument(f"--{name.replace('_', '-')}", required=True, dest=name, metavar="HOST:PORT")
    parser.add_argument("--check", action="store_true", help="also run `nginx -t` on the result")
    args = parser.parse_args(argv)
    try:
        conf = render(args.out, args.port, {name: getattr(args, name) for name in UPSTREAMS})
    except ValueError as exc:
        parser.error(str(exc))
    if args.check:
        result = subprocess.run(nginx_command(conf, test=True), capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            return result.returncode
    print(shlex.join(nginx_command(conf, nginx="nginx")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
