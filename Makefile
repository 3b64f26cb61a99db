# Helpdesk SIPOL — two commands for a newcomer: `make run` and `make test` (needs only Python 3.11+ and make).

# The first interpreter that is 3.11 or newer; 3.11 first because requirements.lock is compiled for it.
PYTHON ?= $(shell for p in python3.11 python3 python3.12 python3.13 python3.14; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
RUN_ARGS ?=
BENCH_ARGS ?=
FAULT_ROUNDS ?= 6

.PHONY: venv catalogue run test lint faults bench simulate lock clean

venv: $(STAMP)

# Re-installs only when the pins or the project's metadata changed since the last install.
$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Butuh Python 3.11 atau lebih baru (Python 3.11+ is required)"; exit 1; }
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

# The one catalogue of texts (gateways/web/locale/en.po) compiled to the gettext file the app reads
# (gateways/messages.py), rebuilt when en.po is newer; commit it with en.po: `make test` does not rebuild it, and
# tests/unit/test_catalogue_compiled.py fails while the two differ.
CATALOGUE := gateways/web/locale/en/LC_MESSAGES/messages.mo

catalogue: $(CATALOGUE)

$(CATALOGUE): gateways/web/locale/en.po | $(STAMP)
	$(VENV)/bin/python -m gateways.messages

run: venv $(CATALOGUE)
	$(VENV)/bin/helpdesk local $(RUN_ARGS)

# The gates first (ruff: pyflakes, pycodestyle, isort, bugbear, complexity ≤ 12, pyupgrade; mypy on domain/ and
# services/, both configured in pyproject.toml), then the suite.
test: venv lint
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# The fault runs alone (they are part of `make test` too): nodes SIGKILLed, NATS killed, PostgreSQL crashed, the
# regency's leaf link cut, while escalations stream; exact counts and `helpdesk audit verify` at the end of each.
# FAULT_ROUNDS=N repeats each fault N times (default 6, as in make test): `make faults FAULT_ROUNDS=30` is the long run.
faults: venv
	FAULT_ROUNDS=$(FAULT_ROUNDS) $(VENV)/bin/python -m pytest tests/faults -v -s $(PYTEST_ARGS)

# Benchmarks P1–P6 against the PostgreSQL and NATS named by BENCH_POSTGRES_URL / BENCH_NATS_URL (defaults: 127.0.0.1);
# each result table is appended to docs/benchmarks.md. BENCH_ARGS="--quick" or "--only P1,P3" (bench/README.md).
bench: venv
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

# The whole federation on this machine through a seeded peak day: 553 nodes on one NATS server, then one province in
# the production layout (deploy/nats, helpdesk serve per office); each run's tables are appended to docs/simulation.md
# (README "Simulasi federasi"). About 20 minutes on 2 cores; SIMULATE_ARGS="--offices 60 --scale 0.25" for a short one.
SIMULATE_ARGS ?=
simulate: venv
	$(VENV)/bin/helpdesk simulate $(SIMULATE_ARGS)

# pip-tools lives in a throwaway venv under build/ so it never enters the project's own pins.
lock:
	@test -n "$(PYTHON)" || { echo "Butuh Python 3.11 atau lebih baru (Python 3.11+ is required)"; exit 1; }
	test -x build/piptools/bin/pip-compile || { $(PYTHON) -m venv build/piptools \
		&& build/piptools/bin/python -m pip install --quiet pip-tools; }
	build/piptools/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--annotation-style=line --extra test -o requirements.lock pyproject.toml

# Removes what the commands above built; never data/ (a node's records live there).
clean:
	rm -rf $(VENV) build .pytest_cache *.egg-info
	find . -name __pycache__ -type d -prune -not -path './data/*' -exec rm -rf {} +
