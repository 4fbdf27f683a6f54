# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format migrate seed check clean serve

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=python3"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py load_catalogue

## Start the app with its data on 127.0.0.1:$(PORT) (SQLite in var/, Celery eager by default).
run: seed
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Lint, format check, import contracts (ARCHITECTURE.md), migrations check, then the whole suite
## (on DATABASE_URL when set, SQLite otherwise).
test: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

## Production-style: gunicorn + a Celery worker + beat against DATABASE_URL and CELERY_BROKER_URL.
WEB_CONCURRENCY ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
serve: $(VENV)/.installed
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL (PostgreSQL) for make serve"; exit 1; }
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0)"; exit 1; }
	$(PY) manage.py migrate --noinput
	mkdir -p var
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_catalogue
	trap 'kill 0' EXIT INT TERM; \
	$(VENV)/bin/celery -A config worker --loglevel=info --concurrency=2 & \
	$(VENV)/bin/celery -A config beat --loglevel=info --schedule=var/celerybeat-schedule & \
	$(VENV)/bin/gunicorn config.wsgi --workers $(WEB_CONCURRENCY) --bind 127.0.0.1:$(PORT) --access-logfile - ; \
	wait

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
