# Two commands do all set-up on a fresh clone: `make run` and `make test`.
# Everything the project needs is installed by these targets; nothing is assumed on the machine
# beyond Python 3.11 (and, for the browser tests, Debian's chromium, which `make test` installs
# when run as root).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CHROMIUM ?= /usr/bin/chromium
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install browser varnish run test drill lint check-deploy clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's Chromium by path; Playwright never downloads a browser here.
# The WXR export's test checks the file with a second, independent XML tool: libxml2's xmllint.
# Without them (and without root to install them) those tests are skipped, or fail under CI=1.
# apt-get waits up to ten minutes for another apt-get to let go of the package lock.
browser:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v xmllint >/dev/null || missing="$$missing libxml2-utils"; \
	if [ -z "$$missing" ]; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's$$missing for the tests"; \
		apt-get -o DPkg::Lock::Timeout=600 update && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends $$missing; \
	else \
		echo "Missing for some tests:$$missing (they will be skipped)."; \
		echo "Install with: sudo apt-get install$$missing  (or set CHROMIUM=/path/to/chromium)"; \
	fi

# Development server with the seeds loaded. DEBUG=1 unless the environment says otherwise.
# The notification worker runs beside the site; Ctrl-C (or the server ending) stops both.
# The site and the worker are told the address they serve (SITE_URL), so the links in
# notification e-mails point at this server, on whatever PORT it was started with.
run: install
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py import_seeds
	@export SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}; \
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py send_notifications --watch & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The Varnish drill (tests/drills/test_varnish.py) runs Debian's Varnish 7 with varnish-modules
# (xkey); installed here when missing and run as root, otherwise the drill is skipped.
varnish:
	@if [ -x /usr/sbin/varnishd ] && ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's varnish and varnish-modules for the Varnish drill"; \
		apt-get -o DPkg::Lock::Timeout=600 update && \
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends varnish varnish-modules; \
	else \
		echo "Varnish 7 with varnish-modules is missing: the Varnish drill will be skipped."; \
		echo "Install them with: sudo apt-get install varnish varnish-modules"; \
	fi

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Failure drills (tests/drills): gunicorn servers, a killed import, PostgreSQL stopped and
# started, two servers on one database and Redis (database 7, or DRILL_REDIS_DB), Varnish in
# front of two servers, a streaming replica, and a soak of SOAK_SECONDS (default 60). A few
# minutes; CI runs them after `make test`.
drill: install varnish
	$(BIN)/python -m pytest tests/drills -m drill $(PYTEST_ARGS)

# The benchmark (not part of `make test`): import POSTS generated posts, load every page with wrk
# (with Redis and with the database cache, two runs each), create wiki pages, print one Markdown
# table. BENCH_WORKERS: gunicorn workers to sweep ("2,3,4,2x4"), or one ("3"). Uses the local
# PostgreSQL and Redis; see bench/run.py and docs/performance.md.
POSTS ?= 20000
BENCH_WORKERS ?= 2,3,4,2x4
bench: install
	$(BIN)/python -m bench.run --posts $(POSTS) --workers "$(BENCH_WORKERS)"

# Style (ruff) and the layers of docs/architecture.md (import-linter contracts in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
