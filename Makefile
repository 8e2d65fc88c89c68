# OCOP Live Studio. `make run` serves the studio with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements.txt

.PHONY: run test setup lint bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q --upgrade pip

# Reinstall only when requirements.txt changed since the last install.
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	cp requirements.txt $(STAMP)

setup: $(STAMP)
	$(BIN)/python -m studio init --with-demo

run: setup
	$(BIN)/python -m studio serve

lint: $(STAMP)
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/pip install --disable-pip-version-check -q -r bench/requirements.txt
	for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean-venv:
	rm -rf $(VENV)
