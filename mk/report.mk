# mk/report.mk -- the report targets (included by the Makefile).
REPORT_DB  ?= results/rmsbench.db
REPORT_OUT ?= reports/latest

.PHONY: report report-shot

## report: write reports/latest/index.html + README.md from results/rmsbench.db (REPORT_DB, REPORT_OUT)
report: $(BIN)
	$(BIN) report --db $(REPORT_DB) --out $(REPORT_OUT)

## report-shot: headless Chromium screenshot of the report to reports/latest/screenshot.png (installs chromium)
report-shot: report
	@scripts/install-deps.sh --browser
	@scripts/report-shot.sh $(REPORT_OUT)
