# Two commands for a newcomer: `make run` (set up + serve on http://127.0.0.1:8000)
# and `make test`. Everything is installed into .venv from pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

# Local development mode (see prepsite/settings.py). Production never sets this.
DEV := DJANGO_DEBUG=1

.PHONY: help install run serve migrate bank test lint superuser bench bench-history load clean bench-peer bench-pages bench-profile cluster-load

help:
	@echo "make run        set up (venv, install, migrate, import the bank) and serve on http://$(HOST):$(PORT)"
	@echo "make test       run the whole test suite (browser tests too when Chromium is installed)"
	@echo "make serve      production-like: gunicorn + WhiteNoise, DEBUG off, on http://$(HOST):$(PORT)"
	@echo "make superuser  create an admin account for /admin/"
	@echo "make bench      benchmarks (needs wrk); make load: locust load test (docs/performance.md)"
	@echo "make lint       ruff check + format check"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "prepsite needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(DEV) $(BIN)/python manage.py migrate --noinput

bank: migrate
	$(DEV) $(BIN)/python manage.py import_questions fixtures/

# The task worker (transcribing spoken answers) runs beside the server and stops with it.
WORKER := manage.py db_worker --queue-name '*' --no-reload -v0

run: bank
	@echo "prepsite is starting on http://$(HOST):$(PORT)  (admin: make superuser, then /admin/)"
	@$(DEV) $(BIN)/python $(WORKER) & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# A production-like server on http://127.0.0.1:8000: DEBUG off, hashed static files
# served by WhiteNoise, gunicorn with gunicorn.conf.py. Plain HTTP on loopback, so the
# HTTPS redirect and secure cookies are turned off here only.
PROD := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-serve-$$(hostname)-not-for-production-0123456789} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0

serve: bank
	$(PROD) $(BIN)/python manage.py collectstatic --noinput -v0
	@$(PROD) $(BIN)/python $(WORKER) & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PROD) $(BIN)/gunicorn -c gunicorn.conf.py prepsite.wsgi

superuser: migrate
	$(DEV) $(BIN)/python manage.py createsuperuser

test: install
	$(DEV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var staticfiles

bench-history: install
	$(DEV) $(BIN)/python bench/history.py

# The figures in docs/performance.md: runner vs /healthz (wrk), importer vs loaddata, history page.
bench: install
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/throughput.py
	$(DEV) $(BIN)/python bench/importer.py
	$(DEV) $(BIN)/python bench/history.py

# Load test against the production stack on 127.0.0.1 (see bench/load.py and docs/performance.md).
$(VENV)/.installed-load: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[dev,load]"
	@touch $@

load: $(VENV)/.installed-load
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) $(BIN)/python bench/load.py

# prepsite's runner against a peer Django quiz app (django-mcq 0.4 in a throw-away venv) and
# against /healthz, wrk in interleaved rounds (bench/peer.py). PEER_DATABASE_URL=postgres://...
# adds prepsite on PostgreSQL to the same rounds. PEER_ARGS="--rounds 5 --seconds 10" etc.
bench-peer: install
	@command -v wrk >/dev/null || { echo "bench-peer needs wrk: apt-get install wrk"; exit 1; }
	PEER_DATABASE_URL=$(PEER_DATABASE_URL) $(BIN)/python bench/peer.py $(PEER_ARGS)

# Where a runner request spends its time, in-process with the production settings: ms per request
# for /healthz and the runner's pages and POSTs, then a cProfile by area and phase (bench/profile_runner.py).
bench-profile: install
	$(BIN)/python bench/profile_runner.py $(PROFILE_ARGS)

# Home, history and bank pages with 10,000 questions and 1,000 interviews, against their budgets
# (bench/pages.py; BENCH_DATABASE_URL=postgres://... for PostgreSQL).
bench-pages: install
	$(DEV) $(BIN)/python bench/pages.py

# Two app servers behind HAProxy on PostgreSQL + Redis + an RQ worker, 300 candidates through the
# balancer, then the audits (bench/cluster.py, docs/deploy.md). Needs haproxy (apt-get install haproxy).
cluster-load: $(VENV)/.installed-load
	@command -v haproxy >/dev/null || { echo "cluster-load needs haproxy: apt-get install haproxy"; exit 1; }
	$(BIN)/python bench/cluster.py
