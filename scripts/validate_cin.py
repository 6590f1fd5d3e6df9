"""Run Data to Insight's CIN census validator (csc-validator-be-cin 0.1.13, installed in
.venv-cin by scripts/sector-validators.sh) on a CIN census XML file and print what it finds,
one JSON object a line on standard output:

    .venv-cin/bin/python scripts/validate_cin.py FILE.xml --year 2026 --la 999

--year is the year the collection ends (2026 for 2025/26) and chooses the validator's rule
pack (cin2025_26); --la is the local authority's 3-digit DfE code the file must carry in
its header. Each line is {"rule_code", "child_id", "table", "field", "message"}; return-level
issues (no child) have "child_id": null. Exit status 0 when there are none, 1 when there are
some, 2 when the validator (or this script) crashes.

The validator's own entry point (python -m cin_validator run) only prints a DataFrame, so this
calls the same functions it calls: cin_validator.convert_data, process_data and CinValidator
with the year's registry.
"""

import argparse
import importlib
import json
import sys
import traceback
import xml.etree.ElementTree as ET


def ruleset_for(year):
    return f"cin{year - 1}_{str(year)[2:]}"


def issues(path, year, la):
    from cin_validator import cin_validator

    root = ET.parse(path).getroot()
    found = []
    header = root.find("Header")
    lea = header.findtext("Source/LEA") if header is not None else None
    if lea != la:
        found.append(
            {
                "rule_code": "LEA",
                "child_id": None,
                "table": "Header",
                "field": "LEA",
                "message": f"The header's LEA is {lea!r}, not the local authority code {la}",
            }
        )
    file_year = header.findtext("CollectionDetails/Year") if header is not None else None
    if file_year != str(year):
        found.append(
            {
                "rule_code": "Year",
                "child_id": None,
                "table": "Header",
                "field": "Year",
                "message": f"The header's Year is {file_year!r}, not {year}",
            }
        )
    data = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset_for(year)}").registry
    validator = cin_validator.CinValidator(data, registry)
    seen = set()
    for row in validator.full_issue_df.to_dict("records"):
        child = row.get("child_id")
        child = None if child is None or child != child else str(child)  # NaN is not a child
        item = {
            "rule_code": str(row.get("rule_code")),
            "child_id": child,
            "table": row.get("tables_affected"),
            "field": row.get("columns_affected"),
            "message": row.get("rule_description"),
        }
        key = tuple(item.values())
        if key not in seen:
            seen.add(key)
            found.append(item)
    for row in validator.multichild_issues.to_dict("records"):
        item = {
            "rule_code": str(row.get("rule_code")),
            "child_id": None,
            "table": None,
            "field": None,
            "message": row.get("rule_description"),
        }
        key = tuple(item.values())
        if key not in seen:
            seen.add(key)
            found.append(item)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="The CIN census XML file")
    parser.add_argument("--year", type=int, required=True, help="The year the collection ends (2026 for 2025/26)")
    parser.add_argument("--la", required=True, help="The local authority's 3-digit DfE code")
    args = parser.parse_args(argv)
    try:
        found = issues(args.file, args.year, args.la)
    except Exception:  # noqa: BLE001 - any crash of the validator is reported as one
        traceback.print_exc(file=sys.stderr)
        return 2
    for item in found:
        print(json.dumps(item, default=str))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
