# Two commands for a newcomer: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint nlu-model bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/wuye run

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check nlu bot dialogs storage tests
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

# Rebuild the NLU model artefact from the labelled corpus (never edit the artefact by hand).
nlu-model: $(VENV)/.installed-dev
	$(BIN)/python -m nlu.homophone_table
	$(BIN)/python -m nlu.train

bench: $(VENV)/.installed-dev
	$(BIN)/python -m nlu.bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
