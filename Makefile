# Portrait: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
HOST ?= 127.0.0.1:8000
# pytest-xdist workers: one per core.
TEST_WORKERS ?= 2
# A MySQL/MariaDB URL here (or in .env) makes `make test` run the suite on it too.
TEST_MYSQL_URL ?= $(shell sed -n 's/^TEST_MYSQL_URL=//p' .env 2>/dev/null)

.PHONY: run test test-sqlite test-mysql lint install install-dev install-mysql install-browser migrate demo check bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.installed-mysql: $(VENV)/.installed requirements-mysql.txt
	$(PIP) install --quiet -r requirements-mysql.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-mysql: $(VENV)/.installed-mysql

# A local .env (DEBUG on, a random key) so plain `manage.py` works for a developer; never committed.
.env:
	@echo "Creating .env for local development (DEBUG=1, random SECRET_KEY); see .env.example."
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

migrate: install .env
	DEBUG=1 $(PY) manage.py migrate --noinput

# The demo network: 2,000 customers, 40 managers, a year of runs, segments and a stored preview to apply
# (the customers who joined since the last run wait in it). Added once; later runs reset the named accounts.
demo: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: demo
	@echo "Portrait on http://$(HOST)/  (admin/admin123, manager1/123456, customer1/123456)"
	DEBUG=1 $(PY) manage.py runserver $(HOST)

test: test-sqlite
	@if [ -n "$(TEST_MYSQL_URL)" ]; then $(MAKE) --no-print-directory test-mysql; \
	else echo "TEST_MYSQL_URL is not set: the suite ran on SQLite only."; fi

# Browser tests drive Debian's chromium (never a test tool's own download); this fails loudly without it.
install-browser:
	bash scripts/install-browser.sh

lint: install-dev
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py check --settings=portrait.settings.test
	$(PY) manage.py makemigrations --check --dry-run --settings=portrait.settings.test

test-sqlite: install-dev install-browser lint
	@echo "=== Test suite on SQLite ==="
	DATABASE_URL="sqlite://:memory:" $(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS)

test-mysql: install-dev install-mysql install-browser
	@echo "=== Test suite on MySQL/MariaDB ($(TEST_MYSQL_URL)) ==="
	DATABASE_URL="$(TEST_MYSQL_URL)" $(PY) -m pytest -p no:cacheprovider --create-db -n $(TEST_WORKERS)

bench: install-dev
	$(PY) benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .hypothesis
