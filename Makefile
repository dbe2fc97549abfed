# xaso: the README's two commands are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python >= 3.12: pyenv's (selected by .python-version) when present, else python3.13 / python3.12 on PATH.
PYTHON_BIN ?= $(shell for p in python3.13 python3.12; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
PG_URL ?= postgres://postgres@127.0.0.1:5432/xaso
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

help:
	@echo "make run    cài đặt, tạo CSDL SQLite, nạp đơn vị hành chính và dữ liệu mẫu, chạy http://127.0.0.1:8000"
	@echo "make test   toàn bộ kiểm thử (SQLite, PostgreSQL nếu có, trình duyệt thật)"
	@echo "make serve  máy chủ production (gunicorn, xem docs/deploy.md)"
	@echo "make lint   ruff"
	@echo "make bench  đo hiệu năng (xem docs/BENCHMARKS.md)"
	@echo "make bench-pages  đo các trang chính qua gunicorn (thời gian, dung lượng, thông lượng)"
	@echo "make screenshots  ảnh chụp các trang chính trên điện thoại và máy tính (docs/screenshots/)"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_BIN)" ]; then echo "Cần Python >= 3.12 (python3.13 hoặc python3.12) — Python 3.12 or newer is required." >&2; exit 1; fi
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

var:
	@mkdir -p var

migrate: install var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_units
	$(PY) manage.py load_catalog
	$(PY) manage.py load_demo

# The report worker (large exports run as background jobs) runs beside the web server and stops with it.
run: demo
	@$(PY) manage.py db_worker > var/worker.log 2>&1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

# The production server (docs/deploy.md): static files collected, then gunicorn with config/gunicorn.conf.py.
# Needs the production environment (DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL…).
serve: install var
	DJANGO_SETTINGS_MODULE=config.settings.production $(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn -c config/gunicorn.conf.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# System packages the browser tests and the PDF documents need (Debian): installed once, when missing.
# LibreOffice converts .docx to PDF; fonts-liberation2 is metric-compatible with Times New Roman, with Vietnamese.
system-deps:
	@if [ ! -x "$(CHROMIUM)" ] || ! command -v pdftotext >/dev/null || ! command -v soffice >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core poppler-utils libreoffice-writer-nogui fonts-liberation2 fonts-crosextra-carlito >/dev/null; \
		else echo "Cần cài: sudo apt-get install chromium poppler-utils libreoffice-writer-nogui fonts-liberation2" >&2; fi; fi
	@# Vietnamese speech of the loudspeaker bulletins (xaso/notify/tts.py): espeak-ng with its `vi` voice, sox's soxi
	@if ! command -v espeak-ng >/dev/null || ! command -v soxi >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng sox >/dev/null; \
		else echo "Cần cài: sudo apt-get install espeak-ng sox" >&2; fi; fi
	@# the streaming-replica test (xaso/core/tests/test_read_replica.py) starts its own primary and replica with the
	@# server's initdb, pg_ctl and pg_basebackup: postgresql-15 on Debian 12, else the release's `postgresql`
	@if ! ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq; \
			pkg=postgresql; apt-cache show postgresql-15 >/dev/null 2>&1 && pkg=postgresql-15; \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkg >/dev/null; \
		else echo "Cần cài: sudo apt-get install postgresql-15 (hoặc postgresql)" >&2; fi; fi

PG_CHECK = $(PY) -c "import psycopg, sys; psycopg.connect('$(PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null

postgres-available:
	@$(PG_CHECK)

test: install var system-deps lint
	$(PY) manage.py makemigrations --check --dry-run -v0 --settings=config.settings.test
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=check-deploy-$$RANDOM$$RANDOM$$RANDOM$$RANDOM-key-for-checks-only DJANGO_ALLOWED_HOSTS=xaso.example $(PY) manage.py check --deploy --fail-level WARNING
	@echo "== SQLite =="
	@# the streaming-replica test runs once: in the PostgreSQL pass, or here when there is no PostgreSQL pass
	$(PG_CHECK) || export XASO_REPLICA_TEST=1; $(PY) -m pytest -n 2 -q $(PYTEST_ARGS)
	@if $(MAKE) -s postgres-available; then echo "== PostgreSQL ($(PG_URL)) =="; \
		DATABASE_URL=$(PG_URL) $(PY) -m pytest -n 2 -q $(PYTEST_ARGS); \
	else echo "== PostgreSQL: không có máy chủ tại $(PG_URL), bỏ qua =="; fi
	@echo "== Browser (Chromium) =="
	XASO_TEST_SQLITE_FILE=1 XASO_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q -m browser -p no:xdist $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: install
	$(PY) bench/run.py

# The main pages through gunicorn (bench/pages_bench.py): the demo data on SQLite, then Thanh Hóa size on
# PostgreSQL if one answers (its database, xaso_pages, is built once, about 5 minutes, and reused).
bench-pages: install
	$(PY) bench/pages_bench.py --data demo
	@if $(MAKE) -s postgres-available; then \
		$(PY) bench/pages_bench.py --data province --communes 166 --pg-url "$$(echo '$(PG_URL)' | sed 's#/[^/]*$$##')"; \
	else echo "== PostgreSQL: không có máy chủ tại $(PG_URL), bỏ qua =="; fi

# Page 1 of every demo document (plan, progress reports, evaluation) as PNG under docs/screenshots/documents/.
document-screenshots: demo system-deps
	$(PY) manage.py document_screenshots

# docs/screenshots/<page>-phone.png and -desktop.png of every main page (bench/screenshots.py); needs Chromium
screenshots: install system-deps
	XASO_CHROMIUM=$(CHROMIUM) $(PY) bench/screenshots.py

.PHONY: help install migrate demo run serve lint system-deps postgres-available test bench bench-pages document-screenshots screenshots
