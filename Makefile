# mlscan developer entry points. Both targets create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install clean docs fuzz

FUZZ_SECONDS ?= 600

$(STAMP): pyproject.toml setup.py
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m compileall -q scanner >/dev/null  # bytecode as pip gives an installed package
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/mlscan demo --output-dir mlscan-report --fail-on never

test: $(STAMP)
	$(BIN)/ruff check scanner tests bench
	$(BIN)/ruff format --check scanner tests bench
	$(BIN)/python -m pytest

# Deeper fuzz campaign (tests/fuzz/run.py): rounds with fresh seeds for FUZZ_SECONDS; failures saved in .fuzz/.
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run.py --seconds $(FUZZ_SECONDS)

# Regenerate the docs generated from data: docs/facts.md and the policy catalogue in docs/policies.md.
docs: $(STAMP)
	$(BIN)/python scripts/update_docs.py

lint: $(STAMP)
	$(BIN)/ruff check scanner tests bench
	$(BIN)/ruff format --check scanner tests bench

clean:
	rm -rf $(VENV) mlscan-report build dist *.egg-info
