# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The example reports of `make demo`: test cases (tests/data/cases), not copies of them — the
# five seed reports, a real web page, a real PDF and the blank Word template.
DEMO_CASES := $(addprefix tests/data/cases/, 000_zhoucun_2018.txt 001_xihaian_2018.txt \
	002_zichuan_2020.txt 003_yangling_2019.txt 004_zibo_2021.txt html_real_hangzhou_2025.html \
	pdf_real_huaian_2024.pdf docx_real_official_template.docx md_shanghai_kewei_2024.md \
	txt_huaian_pdftotext_layout_2024.txt html_pingtan_2018.html)

.PHONY: demo test lint templates clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@rm -rf demo-output
	$(BIN)/nianbao convert $(DEMO_CASES) -o demo-output
	$(BIN)/nianbao convert $(DEMO_CASES) --to json -o demo-output/json 2>/dev/null
	@echo
	@echo "校验 (validation) of the converted workbooks; seed 001 really breaks its 统计表's sums:"
	$(BIN)/nianbao validate demo-output/*.xlsx || true
	@echo
	@echo "Standard workbooks: demo-output/*.xlsx    canonical JSON: demo-output/json/*.json"

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

templates: $(STAMP)
	$(BIN)/nianbao template build

clean:
	rm -rf $(VENV) demo-output .pytest_cache .hypothesis build src/*.egg-info
