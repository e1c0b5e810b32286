"""What the stand-ins share. They stand in for systems outside our control, so they do not use the project's
shared library (ecf_shared): each keeps its state in memory and runs as one process."""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from dataclasses import fields
from collections.abc import Callable


def run(package: str, default_port: int, argv: list[str] | None = None) -> None:
    """`python -m <package> --port N`: gunicorn with one worker (the state is in memory and every request must
    share it), or werkzeug's server when gunicorn is absent or --werkzeug is given."""
    parser = argparse.ArgumentParser(prog=f"python -m {package}",
                                     description="Run the stand-in locally (gunicorn, else werkzeug).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", str(default_port))))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--werkzeug", action="store_true",
                        help="use the werkzeug development server instead of gunicorn")
    args = parser.parse_args(argv)
    factory = f"{package}.app:create_app()"
    if not args.werkzeug and importlib.util.find_spec("gunicorn") is not None:
        os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "-b", f"{args.host}:{args.port}", "-w", "1",
                                  "--threads", str(args.threads), "--timeout", "300", "--graceful-timeout", "5",
                                  "--no-control-socket", factory])
    create_app = importlib.import_module(f"{package}.app").create_app
    create_app().run(host=args.host, port=args.port, threaded=True)


def csv(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def coerce(cls, settings, *, from_env: Callable[[], object], tuples: tuple[str, ...] = ()):
    """Accept a settings object, a mapping of its fields (for tests; `tuples` fields may be comma lists), or None
    (read the environment)."""
    if settings is None:
        return from_env()
    if isinstance(settings, cls):
        return settings
    known = {f.name for f in fields(cls)}
    values = {}
    for key, value in dict(settings).items():
        if key not in known:
            raise TypeError(f"unknown setting {key!r}")
        if key in tuples:
            value = csv(value) if isinstance(value, str) else tuple(value)
        values[key] = value
    return cls(**values)

