# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test install db browsers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Create or upgrade the SQLite database under instance/, load the official calendar decisions (idempotent)
# and the demo data if it is empty.
db: install
	$(FLASK) db upgrade
	$(FLASK) calendar load-official
	$(FLASK) demo load --if-empty

run: db
	@echo "Mở http://127.0.0.1:$(PORT) trong trình duyệt (Ctrl+C để dừng)."
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite; TEST_DATABASE_URL=postgresql://... runs it on PostgreSQL.
test: install
	$(BIN)/python -m pytest

# What the browser and PDF tests drive besides Python: Debian's chromium (Playwright cannot download its
# own browser here) and poppler's pdftotext/pdftoppm. Without them those tests are skipped; CI installs them.
browsers:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils)

clean:
	rm -rf $(VENV) .pytest_cache
