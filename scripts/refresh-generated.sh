#!/usr/bin/env bash
# Regenerates the files derived from others: from the event catalogue, the architecture doc's table and the
# RabbitMQ definitions; the Kubernetes base's copy of the gateway template.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ecf-bus export deploy/rabbitmq/definitions.json
table=$(.venv/bin/ecf-bus catalogue)
TABLE="$table" .venv/bin/python - <<'PY'
import os, re, pathlib
p = pathlib.Path("docs/architecture.md")
text = p.read_text()
start, end = "<!-- catalogue:start -->", "<!-- catalogue:end -->"
head, rest = text.split(start)
_, tail = rest.split(end)
p.write_text(f"{head}{start}\n{os.environ['TABLE']}\n{end}{tail}")
PY
cp deploy/nginx/gateway.conf.template deploy/k8s/gateway.conf.template
echo "refreshed docs/architecture.md, deploy/rabbitmq/definitions.json and deploy/k8s/gateway.conf.template"
