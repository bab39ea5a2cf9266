# Two commands on a fresh machine: `make demo` and `make test`. Everything else is set up here.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck unit bench bench-peers system-deps serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[desk,dev,spark]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Debian packages the tests and the letters need (root on this kind of machine; skipped,
# with a note, where they are already present).
system-deps:
	@need=""; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || need="$$need poppler-utils"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need="$$need fonts-dejavu-core"; \
	command -v java >/dev/null 2>&1 || need="$$need openjdk-17-jre-headless"; \
	command -v wrk >/dev/null 2>&1 || need="$$need wrk"; \
	if [ -n "$$need" ]; then \
	  echo "installing Debian packages:$$need"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need >/dev/null; fi; \
	fi

demo: $(STAMP) system-deps
	$(BIN)/spilldesk demo --workdir demo-run

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/bandit -q -c pyproject.toml -r src

typecheck: $(STAMP)
	$(BIN)/mypy src/spilldesk/domain

unit: $(STAMP) system-deps
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck unit

# The peers the benchmarks compare against, in their own environment (never the project's).
PEERS := benchmarks/.peers-venv
$(PEERS)/.installed: benchmarks/peers.txt
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/pip install --quiet --disable-pip-version-check -r benchmarks/peers.txt
	touch $@

bench-peers: $(PEERS)/.installed

# Every run `make bench` makes: each rewrites its own section of docs/benchmarks.md (a missed
# target is written as missed; a run that fails is named at the end and stops none of the others);
# collect.py then merges the sections and names any section this run did not rewrite.
BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/postgres
BENCHES := \
	"bench_startup.py" \
	"bench_scenario.py" \
	"bench_gate.py" \
	"bench_hook.py" \
	"bench_registry.py" \
	"bench_registry.py scale" \
	"bench_registry.py scale --postgres $(BENCH_POSTGRES) --sizes 1000000 10000000" \
	"bench_linkage.py" \
	"bench_pseudopeople.py" \
	"bench_planning.py" \
	"bench_clearance.py" \
	"bench_growth.py --sizes 100000 1000000 10000000" \
	"bench_spark.py --sizes 1000000 10000000" \
	"bench_http.py --postgres $(BENCH_POSTGRES)" \
	"bench_packets.py" \
	"bench_monitor.py" \
	"bench_clawback.py" \
	"bench_clawback.py --gigabytes 10"

bench: $(STAMP) system-deps bench-peers
	@mkdir -p benchmarks/out && touch benchmarks/out/bench-started
	@failed=""; for run in $(BENCHES); do echo "== $$run"; \
	  $(BIN)/python benchmarks/$$run || failed="$$failed [$$run]"; done; \
	$(BIN)/python benchmarks/collect.py --since benchmarks/out/bench-started; \
	if [ -n "$$failed" ]; then echo "these runs failed (their sections are not rewritten):$$failed"; exit 1; fi

serve: $(STAMP)
	$(BIN)/spilldesk serve --workdir demo-run

clean:
	rm -rf demo-run test-artifacts .pytest_cache .mypy_cache .ruff_cache
