"""The portal's command line: building the front-end assets is part of installing, and needs no secret."""
import os
import subprocess
import sys


def test_build_assets_runs_without_secrets_in_production():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SIGNIN_CLIENT_SECRET", "ENVIRONMENT")}
    built = subprocess.run([sys.executable, "-m", "portal", "build-assets"], env=env, capture_output=True, text=True,
                           timeout=120)
    assert built.returncode == 0, built.stderr


def test_serving_still_refuses_to_start_without_its_secrets():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SIGNIN_CLIENT_SECRET", "ENVIRONMENT")}
    worker = subprocess.run([sys.executable, "-m", "portal", "worker"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert worker.returncode == 2 and "set SECRET_KEY, SIGNIN_CLIENT_SECRET" in worker.stderr
