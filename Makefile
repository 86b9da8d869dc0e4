# cmast-metrics: every command a person needs, each with one line of help (`make help`).
# Needs only Python 3.11, make and pip: uv is bootstrapped into .tools/ and installs the locked
# dependencies (uv.lock) into .venv/.

PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.DEFAULT_GOAL := help
.PHONY: help setup browser demo test lint docs bench lock reference clean-data

help: ## Show the targets and what each does
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

# Bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set (as on many CI and
# shared machines) every process would otherwise compile every module it imports, which made
# importing the pipeline and Prefect take 9 s instead of 3.6 s (and so every run, worker and test).
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --extra dev --quiet --compile-bytecode
	@touch $@

setup: $(VENV)/.synced ## Create .venv with exactly the locked dependencies
	@$(VENV)/bin/python -m compileall -q cmast pipeline flows schemas bench >/dev/null

demo: setup browser ## Sample returns for every trust: ingested, validated, stored, turned into the board pack
	$(VENV)/bin/cmast demo

browser: ## Install Chromium (Debian package): it prints the board pack's PDF and runs the browser tests
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium from Debian's packages..."; \
	    apt-get install -y -q chromium >/dev/null 2>&1 \
	      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; } \
	      || echo "Could not install Chromium: the browser test will be skipped."; \
	  else echo "Chromium is not installed (sudo apt-get install chromium): the browser test will be skipped."; fi; }

test: setup browser ## Run the whole test suite (installs Chromium first if it can)
	$(VENV)/bin/pytest

lint: setup ## Check style and layout with ruff and the library's types with mypy
	$(VENV)/bin/ruff check cmast pipeline flows schemas tests bench
	$(VENV)/bin/ruff format --check cmast pipeline flows schemas tests bench
	$(VENV)/bin/mypy

docs: setup ## Rewrite the docs' tables that repeat the code (return columns, hostile inputs, settings)
	$(VENV)/bin/python -m tests.docs_tables

bench: setup ## Measure speed against baselines; writes bench/results.json
	$(VENV)/bin/python -m bench

lock: $(UV) ## Re-resolve dependencies into uv.lock after editing pyproject.toml
	$(UV) lock

reference: setup ## Rebuild data/reference/*.csv from ../shared/reference/nhse
	$(VENV)/bin/python -m pipeline.reference.build

clean-data: ## Delete the local data root (inbox, archive, quarantine, outputs, warehouse)
	rm -rf data/inbox data/archive data/quarantine data/outputs data/warehouse
