"""Build the portal's static files from the pinned npm packages (no CDN): GOV.UK Frontend's CSS, JavaScript, fonts
and images, and the MOJ frontend's CSS (its filter layout). `make install` runs it after `npm ci`; the portal's own
files (static/app/) are committed as they are."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

STATIC = Path(__file__).parent / "static"
FILES = {  # from node_modules → to static/
    "govuk-frontend/dist/govuk/govuk-frontend.min.css": "vendor/govuk-frontend.min.css",
    "govuk-frontend/dist/govuk/govuk-frontend.min.js": "vendor/govuk-frontend.min.js",
    "@ministryofjustice/frontend/moj/moj-frontend.min.css": "vendor/moj-frontend.min.css",
}
# fonts/, images/, manifest.json: where the CSS looks (/assets/); the MOJ filter's tag icons beside GOV.UK's images
TREES = {"govuk-frontend/dist/govuk/assets": ".", "@ministryofjustice/frontend/moj/assets": "."}


def node_modules() -> Path:
    return Path(os.environ.get("PORTAL_NODE_MODULES", Path(__file__).resolve().parents[1] / "node_modules"))


def build(source: Path | None = None, target: Path = STATIC) -> list[Path]:
    source = source or node_modules()
    if not (source / "govuk-frontend").is_dir():
        raise SystemExit(f"{source} has no govuk-frontend: run `npm ci` in services/portal first")
    written = []
    for src, dest in FILES.items():
        out = target / dest
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / src, out)
        written.append(out)
    for src, dest in TREES.items():
        shutil.copytree(source / src, target / dest, dirs_exist_ok=True)
        written.append(target / dest)
    return written


def built(target: Path = STATIC) -> bool:
    return all((target / dest).is_file() for dest in FILES.values())
