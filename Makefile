# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi

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
	@echo "Mở http://127.0.0.1:5000 trong trình duyệt (Ctrl+C để dừng)."
	$(FLASK) run --host 127.0.0.1 --port 5000

# The whole suite; TEST_DATABASE_URL=postgresql://... runs it on PostgreSQL.
test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache
