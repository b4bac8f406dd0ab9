# Lotse — one command each: `make run`, `make test`. Every target installs what it lacks.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
PY        := $(VENV)/bin/python
RASA      := $(RASA_VENV)/bin/rasa
RASA_PY   := $(RASA_VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning
# nlu/ components import lotse.text (standard library only) from the project root
export PYTHONPATH := $(CURDIR)
# Training inputs: the model is rebuilt only when their content changes (including the code of
# our own NLU components). The per-language response sources count through the compiled
# responses.generated.yml, so a change to texts the gateway or actions send itself does not retrain.
TRAIN_INPUTS = config.yml $(shell find domain -path domain/responses -prune -o -type f -name '*.yml' -print 2>/dev/null | grep -v responses.generated | sort) \
	$(shell find data/nlu data/dialogue -type f -name '*.yml' 2>/dev/null | sort) \
	nlu/language_id.py nlu/annotation.py nlu/normalizer.py nlu/morphology.py nlu/intent_model.py \
	nlu/intent_classifier.py nlu/persisted.py lotse/text.py
# The emergency net's danger model reads the training data and the development set through the
# net's own look-alike blanking, so the lists and the net's code are its inputs too.
DANGER_INPUTS = nlu/danger_model.py nlu/danger_stories.py nlu/annotation.py nlu/experiment.py \
	lotse/danger_model.py lotse/text.py \
	$(sort $(wildcard lotse/safety*.py data/safety/*.txt)) tests/safety/development.yml \
	$(shell find data/nlu -type f -name '*.yml' 2>/dev/null | sort)
RESPONSE_SOURCES = $(wildcard domain/responses/*.yml)

.PHONY: help install browser train run test test-postgres test-scaleout test-unit test-e2e validate lint bench clean nlu-eval nlu-cross-validate nlu-report nlu-compare nlu-compare-diet nlu-determinism rasa-lock

help:
	@echo "make run      install what is missing, train if needed, start Lotse (console chat without a token)"
	@echo "make test     install, train, validate the Rasa data and run the whole test suite"
	@echo "make install  create .venv (application) and .venv-rasa (Rasa 3.6, Python 3.10)"
	@echo "make train    train the Rasa model when config.yml, domain/ or data/ changed"
	@echo "make lint     ruff, the layering contracts (import-linter), mypy --strict on lotse/ bot/ admin/ actions/"

install: $(VENV)/.installed $(RASA_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@py=$$(scripts/find-python3) || exit 1; \
	  [ -x $(PY) ] || { echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev,deploy]'
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt requirements-rasa.lock
	@py=$${PYTHON310:-$$(scripts/find-python310)} || exit 1; \
	  [ -x $(RASA_PY) ] || { echo "creating $(RASA_VENV) with $$py"; "$$py" -m venv $(RASA_VENV); }
	$(RASA_PY) -m pip install -q "pip<24.1"
	@# pip's own script, without the exported PYTHONPATH: with the project root on sys.path the
	@# application's lotse.egg-info makes pip report conflicts with a package not installed here
	env -u PYTHONPATH $(RASA_VENV)/bin/pip install -q -r requirements-rasa.txt -c requirements-rasa.lock
	@touch $@

# Re-resolve the Rasa environment's full pin set after editing requirements-rasa.txt.
rasa-lock: $(RASA_VENV)/.installed
	$(RASA_PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements-rasa.lock

domain/responses.generated.yml: $(RASA_VENV)/.installed $(RESPONSE_SOURCES) nlu/responses.py
	$(RASA_PY) nlu/responses.py --out $@

train: models/.fingerprint models/.danger-fingerprint

# --skip-validation: `make validate` checks the same data more strictly (nlu/validate.py); within
# `rasa train` the check took 54 of 290 s. FORCE: the content fingerprint decides, not timestamps
# (a file edited while training ran is older than the model but still new to it).
models/.fingerprint: FORCE $(RASA_VENV)/.installed domain/responses.generated.yml $(TRAIN_INPUTS)
	@fp=$$(cat $(TRAIN_INPUTS) domain/responses.generated.yml requirements-rasa.txt | sha256sum | cut -d' ' -f1); \
	if [ -f $@ ] && [ "$$(cat $@)" = "$$fp" ] && ls models/*.tar.gz >/dev/null 2>&1; then \
	  echo "model is up to date"; touch $@; \
	else \
	  echo "training the Rasa model…"; start=$$(date +%s); \
	  $(RASA) train --config config.yml --domain domain --data data/nlu data/dialogue \
	    --out models --fixed-model-name lotse --quiet --skip-validation || exit 1; \
	  echo "trained in $$(( $$(date +%s) - start )) s"; \
	  echo "$$(( $$(date +%s) - start ))" > models/.train-seconds; \
	  echo "$$fp" > $@; \
	fi

models/.danger-fingerprint: FORCE $(RASA_VENV)/.installed $(DANGER_INPUTS)
	@fp=$$(cat $(DANGER_INPUTS) requirements-rasa.txt | sha256sum | cut -d' ' -f1); \
	if [ -f $@ ] && [ "$$(cat $@)" = "$$fp" ] && [ -f models/danger-model.json ]; then \
	  echo "danger model is up to date"; touch $@; \
	else \
	  $(RASA_PY) -m nlu.danger_model || exit 1; \
	  echo "$$fp" > $@; \
	fi

validate: $(RASA_VENV)/.installed domain/responses.generated.yml
	$(RASA_PY) nlu/validate.py
	$(RASA_PY) -m nlu.overlap
	@mkdir -p var && $(RASA_PY) -m nlu.check_speedups > var/check-speedups.log 2>&1 \
	  || { cat var/check-speedups.log; exit 1; }; tail -1 var/check-speedups.log

run: install train
	$(PY) -m lotse.runtime.cli run

# The whole suite (scripts/run-tests): training, the end-to-end passes and the CPU-bound checks
# beside them at the lowest priority, in four phases; each target below also runs alone.
test:
	@scripts/run-tests

# The end-to-end suite on the scale-out stack: two Rasa replicas sharing their tracker store on
# PostgreSQL (with the application database) and their lock store in Redis.
test-scaleout: install browser train
	@pg=$$(scripts/start-postgres) || exit 1; redis=$$(scripts/start-redis) || exit 1; \
	tracker=$$($(PY) scripts/create-database.py "$$pg" lotse_tracker) || exit 1; \
	echo "e2e on two Rasa replicas, PostgreSQL ($$pg) for the app and Rasa's trackers, Redis ($$redis) for Rasa's locks"; \
	LOTSE_TEST_POSTGRES=$$pg LOTSE_TRACKER_STORE_URL=$$tracker REDIS_URL=$$redis LOTSE_RASA_REPLICAS=2 \
	  $(PY) -m pytest -q tests/e2e

# The core, actions, admin and catalogue tests again on PostgreSQL (Debian's package, started on
# loopback by scripts/start-postgres): every test database is then a fresh PostgreSQL database.
# Unit tests that touch no database (the emergency net, the texts, the README's tables) run once,
# in the SQLite pass; the PostgreSQL pass skips them. Every test has its own database, so the
# pass runs on both cores (pytest-xdist).
NO_DATABASE_TESTS := $(foreach t,safety_net safety_latin safety_and_text safety_scenes safety_past \
  safety_development safety_regression danger_model texts_native readme_layout,--ignore=tests/unit/test_$(t).py)

test-postgres: $(VENV)/.installed
	@url=$$(scripts/start-postgres) || exit 1; \
	echo "unit tests on PostgreSQL ($$url)"; \
	LOTSE_TEST_POSTGRES=$$url $(PY) -m pytest -q -n 2 tests/unit $(NO_DATABASE_TESTS)

# Debian's Chromium for the admin's browser test (tests/e2e/test_admin_browser.py), and the
# fonts of the integration plan's PDF (Arabic and Persian too).
browser:
	@scripts/install-chromium
	@scripts/install-fonts

test-unit: $(VENV)/.installed
	$(PY) -m pytest -q -n 2 --durations=10 tests/unit

test-e2e: install browser train
	$(PY) -m pytest -q --durations=10 tests/e2e

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Benchmarks (not part of make test): figures printed and written to var/bench/.
bench: install train
	$(PY) -m tests.bench.run

clean:
	rm -rf models var domain/responses.generated.yml .pytest_cache .ruff_cache

# Held-out NLU evaluation (tests/nlu/holdout_<lang>.yml) against the trained model; fails below
# the thresholds. Cross-validation is on demand only: `make nlu-cross-validate`.
nlu-eval: train
	$(RASA_PY) nlu/evaluate.py
	$(RASA_PY) nlu/clear_cut.py

# Two trainings from scratch must predict the same on every held-out message (CI cannot flip).
nlu-determinism: $(RASA_VENV)/.installed domain/responses.generated.yml
	@for run in a b; do \
	  $(RASA) train nlu --config config.yml --nlu data/nlu --out var/determinism/$$run \
	    --fixed-model-name nlu --quiet >/dev/null || exit 1; \
	  $(RASA_PY) nlu/evaluate.py --model var/determinism/$$run/nlu.tar.gz --no-gates \
	    --report var/determinism/$$run/report.json \
	    --predictions var/determinism/$$run/predictions.jsonl >/dev/null || exit 1; \
	done
	@cmp var/determinism/a/predictions.jsonl var/determinism/b/predictions.jsonl \
	  && echo "two trainings from scratch: identical predictions on all $$(wc -l < var/determinism/a/predictions.jsonl) held-out messages"

# The full report: strict validation, held-out sets with calibration (confidently wrong and the
# reliability diagram, var/nlu-reliability.png), determinism; cross-validation on demand.
nlu-report: validate nlu-eval nlu-determinism

# Train the stock pipeline (nlu/configs/stock.yml) beside the real one and evaluate both.
nlu-compare: train
	$(RASA) train nlu --config nlu/configs/stock.yml --nlu data/nlu --out var/compare \
	  --fixed-model-name stock --quiet
	$(RASA_PY) nlu/evaluate.py --model var/compare/stock.tar.gz --report var/nlu-report-stock.json \
	  --no-gates
	$(RASA_PY) nlu/evaluate.py

# The pipeline before session 4 (DIET) on today's data, evaluated beside the real one.
nlu-compare-diet: train
	$(RASA) train nlu --config nlu/configs/diet.yml --nlu data/nlu --out var/compare \
	  --fixed-model-name diet --quiet
	$(RASA_PY) nlu/evaluate.py --model var/compare/diet.tar.gz --report var/nlu-report-diet.json \
	  --no-gates
	$(RASA_PY) nlu/evaluate.py

nlu-cross-validate: $(RASA_VENV)/.installed domain/responses.generated.yml
	$(RASA) test nlu --config config.yml --nlu data/nlu --cross-validation --folds 5 \
	  --out var/nlu-cross-validation

FORCE:
