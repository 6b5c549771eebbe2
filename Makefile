# Tone checker for Chinese customer-service replies. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_SYS ?= python3
VENV       ?= .venv
PY         := $(VENV)/bin/python
DATA       ?= data/train
MODELS     ?= models
MODEL      ?= $(MODELS)/current
HOST       ?= 127.0.0.1
PORT       ?= 8000
WORKERS    ?= 2
IN         ?= data/sample/chats.csv
OUT        ?= audit-report
JOBS       ?= 2
ENGINE     ?= local
MASTER     ?= local[*]
EXTRA      ?=
EXTRA_WEIGHT ?= 3
FOLDS      ?= 5
COURTESY   ?= 1
COMPARE    ?=
N          ?= 200
CORRECTIONS ?= var/corrections.jsonl

.PHONY: help venv spark-venv spark-zip train eval ablation serve audit report-png label export-feedback bench test clean

help: ## List the targets and their variables
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "Variables: DATA=$(DATA) MODEL=$(MODEL) HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS)"

$(VENV)/.installed: requirements.txt
	$(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed ## Create .venv from the pinned requirements

$(VENV)/.spark-installed: requirements-spark.txt requirements.txt | $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-spark.txt
	touch $@

spark-venv: $(VENV)/.spark-installed ## Add the optional Spark engine to .venv (pyspark, pyarrow, pandas; needs Java 17)

spark-zip: spark-venv ## The project as dist/tone-check.zip for spark-submit --py-files (see README)
	$(PY) -c 'from pathlib import Path; from audit.spark_ship import project_zip; print(project_zip(Path("dist/tone-check.zip")))'

train: venv ## Train on DATA (+ stock courtesy unless COURTESY=0; + EXTRA files x EXTRA_WEIGHT), write models/<version>, point models/current at it
	$(PY) -m training.train --data $(DATA) --models $(MODELS) --folds $(FOLDS) --extra-weight $(EXTRA_WEIGHT) \
		$(foreach f,$(EXTRA),--extra $(f)) $(if $(filter 0,$(COURTESY)),--no-courtesy)

$(MODEL)/metadata.json:
	$(MAKE) train

eval: DATA = ../shared/eval/dev.jsonl
eval: venv ## Evaluate MODEL on a labeled file (default DATA=../shared/eval/dev.jsonl); COMPARE=other/model side by side
	$(PY) -m training.evaluate --data $(DATA) --model $(MODEL) $(if $(COMPARE),--compare $(COMPARE))

ablation: venv ## What each model setting buys, by cross-validation on DATA (for information: on EVAL; REAL flagged share)
	$(PY) -m training.ablation --data $(DATA) $(if $(EVAL),--eval $(EVAL)) $(if $(REAL),--real $(REAL))

serve: venv $(MODEL)/metadata.json ## Serve POST /classify under gunicorn on HOST:PORT (trains first if there is no model)
	TONE_MODEL_DIR=$(MODEL) HOST=$(HOST) PORT=$(PORT) TONE_WORKERS=$(WORKERS) \
		$(VENV)/bin/gunicorn --config service/gunicorn_conf.py

audit: venv $(if $(filter spark,$(ENGINE)),spark-venv) $(MODEL)/metadata.json ## Audit a chat log: make audit IN=chats.csv OUT=audit-report/ [COLUMN_MAP=.. ROLE_MAP=.. JOBS=2] [ENGINE=spark MASTER=local[*]]
	$(PY) -m audit --in $(IN) --out $(OUT) --model $(MODEL) --jobs $(JOBS) --engine $(ENGINE) \
		$(if $(filter spark,$(ENGINE)),--master '$(MASTER)') \
		$(if $(COLUMN_MAP),--columns '$(COLUMN_MAP)') $(if $(ROLE_MAP),--roles '$(ROLE_MAP)')

report-png: ## Render OUT/report.html to OUT/report.png in headless Chromium (apt-get install chromium)
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir=$$(mktemp -d) --hide-scrollbars --window-size=1200,2400 \
		--screenshot=$(OUT)/report.png file://$(abspath $(OUT))/report.html

label: OUT = to-label.jsonl
label: venv $(MODEL)/metadata.json ## Pick the N replies of a chat log the model is least sure of: make label IN=chats.csv N=200 OUT=to-label.jsonl
	$(PY) -m training.label_queue --in $(IN) --n $(N) --out $(OUT) \
		--model $(MODEL) $(if $(COLUMN_MAP),--columns '$(COLUMN_MAP)') $(if $(ROLE_MAP),--roles '$(ROLE_MAP)')

export-feedback: venv ## Write the labels corrected in the chat tool or on /label to CORRECTIONS (var/corrections.jsonl)
	$(PY) -m feedback export --out $(CORRECTIONS)

bench: venv $(MODEL)/metadata.json ## Speed, memory and cost side by side with peers and floors (QUICK=1: about a minute)
	$(PY) -m bench --model $(MODEL) $(if $(QUICK),--quick)

test: venv ## Run the test suite (installs what it needs; with Java, the Spark engine too)
	@if java -version >/dev/null 2>&1; then $(MAKE) --no-print-directory spark-venv; \
	else echo "no Java: the Spark engine's tests will be skipped"; fi
	$(PY) -m pytest

clean: ## Remove the virtualenv, trained models and caches
	rm -rf $(VENV) $(MODELS) .pytest_cache .hypothesis dist
