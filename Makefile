# Two commands for users: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format serve bench postgres redis browser clean lighthouse screenshots \
	translations messages

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# Links and canonical URLs point at the port served, unless SITE_URL says otherwise.
run: export SITE_URL := $(or $(SITE_URL),http://127.0.0.1:$(PORT))
run: $(VENV)/.installed translations
	$(FLASK) seo init
	$(FLASK) run --host $(HOST) --port $(PORT)

# Interface text: compile each language's seo/translations/<lang>/LC_MESSAGES/messages.po.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d seo/translations -D messages

# Extract the interface text into messages.pot and merge it into every language's catalog
# (docs/LANGUAGES.md); translators then fill in the new empty msgstr lines.
messages: $(VENV)/.installed
	PYTHONPATH=. $(BIN)/pybabel -q extract -F babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 \
	  --no-location --sort-output --omit-header -w 100 -o seo/translations/messages.pot .
	$(BIN)/pybabel -q update -i seo/translations/messages.pot -d seo/translations -D messages \
	  --no-fuzzy-matching --ignore-pot-creation-date -w 100

# Production server: gunicorn with the settings in gunicorn.conf.py (PORT, WEB_CONCURRENCY).
serve: $(VENV)/.installed translations
	$(FLASK) seo init
	$(BIN)/gunicorn -c gunicorn.conf.py app:app

# Benchmarks; results and commands are recorded in docs/BENCHMARKS.md.
bench: $(VENV)/.dev-installed postgres
	command -v hugo >/dev/null || apt-get install -y hugo
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	cd bench && ../$(BIN)/python bench_build.py --landing-pages 10000 --frozen-flask
	cd bench && ../$(BIN)/python bench_hugo.py --landing-pages 10000
	cd bench && ../$(BIN)/python bench_build.py --landing-pages 100000
	cd bench && ../$(BIN)/python bench_hugo.py --landing-pages 100000
	cd bench && ../$(BIN)/python bench_import.py --count 100000
	cd bench && ../$(BIN)/python bench_time_zones.py --count 100000
	cd bench && ../$(BIN)/python bench_serve.py
	cd bench && ../$(BIN)/python bench_sitemaps.py --urls 1000000
	$(BIN)/python bench/bench_admin_list.py
	cd bench && ../$(BIN)/python bench_gate.py --count 100000
	cd bench && ../$(BIN)/python bench_hostile_upload.py --mb 50 10
	cd bench && ../$(BIN)/python bench_indexnow.py --pages 100000
	cd bench && ../$(BIN)/python bench_photos.py --runs 5

# Start the machine's PostgreSQL server when it is down; the tests report loudly if it cannot run.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
	  (command -v pg_ctlcluster >/dev/null && \
	   pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start) || \
	  echo "WARNING: PostgreSQL is not running and could not be started"

# Browser tests drive Debian's chromium; install it once when missing.
browser:
	@command -v chromium >/dev/null || \
	  (apt-get install -y chromium >/dev/null 2>&1 || \
	   (apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null)) || \
	  echo "WARNING: chromium could not be installed; browser tests will fail"

# Redis backs the shared page cache test; start the machine's server when it is down.
redis:
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
	    >/dev/null 2>&1 || echo "WARNING: Redis is not running and could not be started"

# Lighthouse (mobile) on the demo landing page; the report is kept in docs/lighthouse/.
LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse

$(LIGHTHOUSE):
	npm i -E --no-save --prefix .lighthouse lighthouse@12.2.3

lighthouse: $(VENV)/.installed browser $(LIGHTHOUSE)
	CHROME_PATH=/usr/bin/chromium $(BIN)/python scripts/lighthouse.py

# Phone and desktop screenshots of the demo landing page, shown in the README.
screenshots: $(VENV)/.dev-installed browser
	$(BIN)/python scripts/screenshots.py

# The suite runs in TEST_WORKERS processes (pytest-xdist), each test file in one of them: a
# file's tests share its fixtures and services (Redis database 15, say) in order.
TEST_WORKERS ?= 2

test: $(VENV)/.dev-installed translations postgres redis browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
