# Two entry points for a fresh machine: `make run` and `make test`. Both are idempotent.
PY_SYS ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint bench browser-deps index clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PY_SYS) -m venv $(VENV)
	# torch first, pinned: this CPU wheel lies on the machine; anything else pulls a CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Chromium and a CJK font for the browser test (Debian packages), only when missing.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

index: setup
	$(PY) -m assistant build

run: setup
	$(PY) app.py

test: setup browser-deps
	$(PY) -m ruff check assistant tests bench app.py
	$(PY) -m pytest -q

bench: index
	$(PY) bench/run_all.py

clean:
	rm -rf index test-output
