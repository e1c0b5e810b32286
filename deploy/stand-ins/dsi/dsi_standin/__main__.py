"""python -m dsi_standin --port N : run the stand-in locally (gunicorn, else werkzeug)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dsi_standin", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8011")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--werkzeug", action="store_true",
                        help="use the werkzeug development server instead of gunicorn")
    args = parser.parse_args(argv)

    if not args.werkzeug and importlib.util.find_spec("gunicorn") is not None:
        # One worker: the state is in memory and must be shared by every request.
        cmd = [sys.executable, "-m", "gunicorn",
               "-b", f"{args.host}:{args.port}", "-w", "1", "--threads", str(args.threads),
               "--timeout", "300", "--graceful-timeout", "5", "--no-control-socket",
               "dsi_standin.app:create_app()"]
        os.execv(sys.executable, cmd)

    from .app import create_app
    create_app().run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
