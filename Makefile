# The two commands: `make up` runs the whole system, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed
PACKAGES := shared services/accounts services/registrations services/inductions services/trs-sync services/lp-api services/portal deploy/stand-ins/kit deploy/stand-ins/trs deploy/stand-ins/dsi deploy/stand-ins/notify

.PHONY: up test faults bench load install topology-export compose-config clean

up: install
	scripts/ensure-system-packages.sh
	$(VENV)/bin/python deploy/local/stack.py

test: install
	scripts/ensure-system-packages.sh --browser
	scripts/test.sh

# Restarts this machine's RabbitMQ and PostgreSQL during a burst of registrations (CI runs it too).
faults: install
	scripts/ensure-system-packages.sh
	FAULTS_ALLOWED=1 scripts/test.sh --suites tests-faults -s

# Benchmarks and load (not in CI): a private copy of the system, figures printed and in bench/results/.
bench: install
	scripts/ensure-system-packages.sh
	command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(VENV)/bin/python bench/bench.py

load: install
	scripts/ensure-system-packages.sh
	$(VENV)/bin/python bench/load.py --users 8 --seconds 60 --scale lp-api-worker=2

install: $(STAMP)

$(STAMP): requirements.lock requirements-dev.lock $(addsuffix /pyproject.toml,$(PACKAGES)) services/portal/package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps $(addprefix -e ,$(PACKAGES))
	# The portal's front end: GOV.UK Frontend and the MOJ frontend from npm (pinned by package-lock.json), no CDN.
	npm ci --prefix services/portal --no-audit --no-fund --loglevel=error
	$(VENV)/bin/python -m portal build-assets
	touch $(STAMP)

topology-export: install
	$(VENV)/bin/ecf-bus export deploy/rabbitmq/definitions.json

compose-config:
	docker-compose -f docker-compose.yml config -q

clean:
	rm -rf $(VENV) .run services/portal/node_modules
