"""Sums up the JUnit reports of every pytest run (unit, testinfra, packaging) into
the closing line "N passed, N failed, N skipped" that CI reads."""
import sys
import xml.etree.ElementTree as ET

totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        for key in totals:
            totals[key] += int(suite.get(key, 0))
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print("%d passed, %d failed, %d skipped" % (passed, failed, totals["skipped"]))
sys.exit(1 if failed or not totals["tests"] else 0)
