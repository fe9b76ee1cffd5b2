# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint templates clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@rm -rf demo-output
	$(BIN)/nianbao convert examples/*.* -o demo-output
	$(BIN)/nianbao convert examples/*.* --to json -o demo-output/json 2>/dev/null
	@echo
	@echo "校验 (validation) of the converted workbooks; seed 001 really breaks its 统计表's sums:"
	$(BIN)/nianbao validate demo-output/*.xlsx || true
	@echo
	@echo "Standard workbooks: demo-output/*.xlsx    canonical JSON: demo-output/json/*.json"

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

templates: $(STAMP)
	$(BIN)/nianbao template build

clean:
	rm -rf $(VENV) demo-output .pytest_cache .hypothesis build src/*.egg-info
