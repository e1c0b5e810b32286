import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from render import render, substitute  # noqa: E402


def test_only_the_templates_own_variables_are_substituted():
    out = substitute("listen ${GATEWAY_PORT}; set $x $request_id; ${UNKNOWN}", {"GATEWAY_PORT": "8080"})
    assert out == "listen 8080; set $x $request_id; ${UNKNOWN}"


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx not installed")
def test_rendered_config_is_valid_nginx(tmp_path):
    conf = render(tmp_path, 18999, {name: "127.0.0.1:1" for name in ("accounts", "registrations", "inductions",
                                                                     "trs_sync", "lp_api")})
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "${" not in (tmp_path / "gateway.conf").read_text()
