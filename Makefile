# Afterglow: `make run` serves the app, `make test` runs every test.
# Both install what they need into .venv first (pip, and Chromium via apt for browser tests).

PYTHON_SYSTEM ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Sync workers (one request each), twice the cores: the shortest tails when saving logs (docs/benchmarks.md).
WORKERS ?= 4
THREADS ?= 1

# Compiled translations (.mo) are built here from the committed .po catalogues, never committed.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))

.PHONY: translations catalogs run dev test test-system test-s3 test-fast lint format explore browser-deps demo migrate bench bench-dashboard bench-lighthouse bench-dash bench-time-to-chart bench-load bench-photos audit static-compressed redis-deps plotly-bundle mutation clean

$(VENV)/bin/python:
	$(PYTHON_SYSTEM) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

# Generated once and kept: sessions survive restarts, and there is never a default key.
instance/secret_key:
	mkdir -p instance
	umask 077 && $(PYTHON_SYSTEM) -c 'import secrets; print(secrets.token_hex(32))' > $@

# Web Push's VAPID key, generated once and kept: each phone's subscription is bound to its public key.
instance/vapid_private_key.pem: | $(VENV)/.runtime-installed
	mkdir -p instance
	umask 077 && $(PY) -c 'import sys; from cryptography.hazmat.primitives import serialization as s; \
		from cryptography.hazmat.primitives.asymmetric import ec; \
		sys.stdout.buffer.write(ec.generate_private_key(ec.SECP256R1()).private_bytes( \
		s.Encoding.PEM, s.PrivateFormat.PKCS8, s.NoEncryption()))' > $@.tmp && mv $@.tmp $@

# Statuses are re-assessed after an upgrade: the recovery model's rules may have changed with the code.
migrate: $(VENV)/.runtime-installed instance/secret_key instance/vapid_private_key.pem
	$(VENV)/bin/flask --app wsgi db upgrade
	$(VENV)/bin/flask --app wsgi refresh-statuses

# Pulls every marked string out of the code and templates into messages.pot, and merges it into each
# language's messages.po (new strings untranslated, changed ones fuzzy): translate those, then commit.
translations: $(VENV)/.runtime-installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Afterglow --copyright-holder Afterglow -o app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i app/translations/messages.pot -d app/translations --ignore-obsolete --ignore-pot-creation-date

%/LC_MESSAGES/messages.mo: %/LC_MESSAGES/messages.po | $(VENV)/.runtime-installed
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

catalogs: $(CATALOGS)

# gzip and brotli copies next to each static file, served by WhiteNoise to browsers that accept them.
static-compressed: $(VENV)/.runtime-installed
	$(PY) -m whitenoise.compress -q static

# gunicorn and, beside it, the reminder sender (a pass every minute), started and stopped together by
# scripts/serve: Ctrl-C stops both. Links in reminders point at this server unless FLASK_PUBLIC_URL is set.
run: migrate static-compressed catalogs
	FLASK_PUBLIC_URL="$${FLASK_PUBLIC_URL:-http://127.0.0.1:$(PORT)}" VENV=$(VENV) scripts/serve \
		--bind 127.0.0.1:$(PORT) --workers $(WORKERS) --threads $(THREADS) --access-logfile - wsgi:app

dev: migrate catalogs
	$(VENV)/bin/flask --app wsgi run --debug --port $(PORT)

demo: migrate
	$(VENV)/bin/flask --app wsgi seed-demo

# Browser tests drive Debian's Chromium; install it when we can (root with apt).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing and cannot be installed here: browser tests will be skipped."; \
		fi; \
	fi

# The rate-limit test on a real server also counts in Debian's redis-server (started by the test);
# install it when we can (root with apt), as for Chromium.
redis-deps:
	@if ! command -v redis-server >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
		else \
			echo "redis-server is missing and cannot be installed here: the Redis rate-limit test will be skipped."; \
		fi; \
	fi

# The whole suite on SQLite; then again on PostgreSQL when TEST_POSTGRES_URL is set (.ci/run sets it),
# all but tests/unit: the pure core never touches a database, so a second run of it proves nothing new.
# Lint and format are checked first: a style slip fails in seconds, not after the suite.
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Rewrites the tree: import order and safe fixes, then formatting.
format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# pytest-xdist runs the tests on every core, up to 4 (each worker has its own PostgreSQL database).
# After the suite: the photo tests again with the photos in S3; then, on PostgreSQL only, the system
# tests (tests/system: several real servers as one system).
TEST_WORKERS ?= auto
test: lint $(VENV)/.dev-installed catalogs browser-deps redis-deps
	$(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 --ignore=tests/system
	@echo "== The photo tests with the photos in S3 (moto's server) =="
	@$(MAKE) --no-print-directory test-s3
	@if [ -n "$${TEST_POSTGRES_URL:-}" ]; then \
		echo "== The same suite on PostgreSQL =="; \
		TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 \
			--ignore=tests/unit --ignore=tests/system \
		&& $(MAKE) --no-print-directory test-system; \
	else \
		echo "== TEST_POSTGRES_URL is not set: the system tests (make test-system) need PostgreSQL =="; \
	fi

# Several real servers as one system (tests/system): two app servers (gunicorn) on one PostgreSQL, one Redis
# and one photo store, as a load balancer sees them; nginx + TLS in front; logs and metrics across workers.
# Then the Observatory's grade of the nginx + TLS set-up (tls-check).
test-system: $(VENV)/.dev-installed catalogs redis-deps static-compressed
	@echo "== System tests: several servers, one PostgreSQL =="
	TEST_DATABASE_URL="$${TEST_POSTGRES_URL:?set TEST_POSTGRES_URL to a PostgreSQL database}" \
		$(PY) -m pytest -p no:xdist tests/system
	@$(MAKE) --no-print-directory tls-check

test-fast: $(VENV)/.dev-installed catalogs redis-deps
	$(PY) -m pytest -m "not browser" --ignore=tests/system

# The photo tests with the photos in S3 instead of the local folder: TEST_PHOTO_STORE=s3 gives every test
# app a bucket prefix on moto's S3 server (one per test process, tests/s3_server.py); deletion included.
S3_PHOTO_TESTS := tests/integration/test_photo_store_s3.py tests/integration/test_photos.py \
	tests/integration/test_fhir_export.py tests/integration/test_one_write_path.py \
	tests/integration/test_concurrent_deletes.py tests/integration/test_share_links.py \
	tests/integration/test_my_data_and_backup.py tests/browser/test_photos_flow.py tests/browser/test_share_link.py
test-s3: $(VENV)/.dev-installed catalogs browser-deps
	TEST_PHOTO_STORE=s3 $(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 $(S3_PHOTO_TESTS)
	TEST_PHOTO_STORE=s3 $(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 4 -k photo \
		tests/integration/test_access_matrix.py tests/integration/test_hostile_input.py

# `make test` draws the same property-test examples every run (tests/conftest.py). This looks for new
# failures: the property tests only, with fresh random examples, round after round until MINUTES are
# up (a round started in time is finished). A failure is kept in .hypothesis/examples and tried first
# in every later round; fix it, then pin it as an @example. EXPLORE_ARGS go to pytest (e.g. -k join).
MINUTES ?= 10
explore: $(VENV)/.dev-installed
	@end=$$(( $$(date +%s) + $(MINUTES) * 60 )); rounds=0; failed=0; \
	while [ $$(date +%s) -lt $$end ]; do \
		rounds=$$((rounds + 1)); echo "== Exploring, round $$rounds =="; \
		$(PY) -m pytest -m hypothesis --hypothesis-profile=explore -q -p no:cacheprovider $(EXPLORE_ARGS) \
			|| failed=$$((failed + 1)); \
	done; \
	echo "== $$rounds rounds in $(MINUTES) minutes; $$failed found a failure =="; \
	[ $$failed -eq 0 ]

# Every budget with pass/fail (dashboard queries, Lighthouse pages, the first chart's time, server
# load), and the Dash baseline the pages are compared with (figures only). Results: docs/benchmarks.md.
bench: bench-dashboard bench-lighthouse bench-dash bench-load bench-photos bench-time-to-chart

bench-dashboard: $(VENV)/.dev-installed
	$(PY) bench/dashboard.py --requests 50

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --silent
	touch $@

bench-lighthouse: $(VENV)/.dev-installed browser-deps bench/node_modules/.installed
	$(PY) bench/lighthouse.py

# Dash in its own virtualenv: the baseline's dependencies never mix with the app's.
.venv-dash/.installed: bench/requirements-dash.txt
	$(PYTHON_SYSTEM) -m venv .venv-dash
	.venv-dash/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-dash.txt
	touch $@

# A default Plotly Dash page under the same Lighthouse audit: the baseline the issue quotes.
bench-dash: $(VENV)/.dev-installed browser-deps bench/node_modules/.installed .venv-dash/.installed
	$(PY) bench/dash_baseline.py

# Time to the first chart on a first visit (emulated mid phone), Afterglow's session page beside the Dash page.
bench-time-to-chart: $(VENV)/.dev-installed browser-deps .venv-dash/.installed
	$(PY) bench/time_to_chart.py --runs 7

# Locust, for bench-load, in its own venv (its pins: bench/requirements-locust.txt).
.venv-locust/.installed: bench/requirements-locust.txt
	$(PYTHON_SYSTEM) -m venv .venv-locust
	.venv-locust/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-locust.txt
	touch $@

# Capacity: the most concurrent phone users make run's server sustains at p95 <= 300 ms on PostgreSQL
# (BENCH_DATABASE_URL, default the local afterglow_bench, emptied first): docs/benchmarks.md, docs/capacity.md.
bench-load: $(VENV)/.dev-installed .venv-locust/.installed catalogs static-compressed
	$(PY) bench/load.py

# What an upload costs a worker (time and peak memory), by kind of file: docs/benchmarks.md.
bench-photos: $(VENV)/.dev-installed
	$(PY) bench/photo_decode.py --runs 3

# nginx + TLS as deploy/nginx/afterglow.conf sets them up (scripts/tls-proxy: self-signed certificate, local
# ports), graded by the MDN HTTP Observatory's scoring on the log-in page; fails unless A+ (docs/deploy.md).
.PHONY: tls-check
tls-check: $(VENV)/.runtime-installed catalogs static-compressed bench/node_modules/.installed
	VENV=$(VENV) scripts/tls-proxy sh -c 'node bench/observatory.mjs localhost "$$HTTPS_PORT" "$$HTTP_PORT" /auth/login'

.venv-audit/.installed: requirements-audit.txt
	$(PYTHON_SYSTEM) -m venv .venv-audit
	.venv-audit/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	touch $@

# bandit over the code (fails on medium/high), pip-audit over the pins (says so when it cannot check).
audit: .venv-audit/.installed
	scripts/audit

# plotly.js with only the trace types the app draws, built from its npm package by tools/plotly-bundle.
# The output is committed (static/vendor/plotly/), so `make run` needs no npm; run this to update it.
plotly-bundle:
	npm ci --prefix tools/plotly-bundle --no-audit --no-fund --ignore-scripts
	node tools/plotly-bundle/build.mjs

# Mutation testing of the pure core's rules (config: [tool.mutmut] in pyproject.toml): a fresh run over
# recovery, aftercare, triage and cohort against tests/unit, then the score over every mutant that changes
# more than wording, and each survivor (tools/mutation_report.py; fails under 95% or on a rule survivor).
# mutmut 3 mutates inside functions only, so tools/constant_mutants.py then changes each module-level
# threshold, limit and severity one at a time (fails if the tests miss one). Results: docs/recovery-model.md.
MUTATION_CHILDREN ?= 2
mutation: $(VENV)/.dev-installed
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children $(MUTATION_CHILDREN)
	$(PY) tools/mutation_report.py
	$(PY) tools/constant_mutants.py --workers $(MUTATION_CHILDREN)

clean:
	rm -rf $(VENV) .venv-audit .venv-dash .venv-locust .pytest_cache .hypothesis mutants
