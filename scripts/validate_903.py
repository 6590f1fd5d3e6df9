"""Run Data to Insight's SSDA903 validator (csc-validator-be-903, module lac_validator) on a
directory of exported CSVs and print each issue as a JSON line.

    .venv-903/bin/python scripts/validate_903.py DIR --year 2026 --la E09000027

Run it with the validator's own virtual environment (scripts/sector-validators.sh makes it):
the package pins old pandas, so it cannot share the service's. YEAR is the year the collection
ends; LA is the ONS code of the local authority (the validator compares placement postcodes
with it). Rules that crash are printed as {"rule": ..., "crashed": true}: they are the
validator's bugs, not issues of the return. A rule that finds issues is run again alone on a
fresh copy of the files: rules share the validator's data store and some change it (seen with
575 and 577 in 0.1.17), so an issue that goes away alone is printed with "leaked": true and not
counted. Exit code 0 when there are no issues (crashes
aside), 1 when there are, 2 when the validator could not run.
"""

import argparse
import contextlib
import importlib
import io
import json
import logging
import sys
import warnings
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--la", required=True, help="ONS code of the local authority, like E09000027")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    noise = io.StringIO()  # the validator prints as it goes; keep stdout for the issues
    try:
        with contextlib.redirect_stdout(noise):
            issues, fails = _run(args)
    except Exception as error:  # the validator itself failed
        print(json.dumps({"error": f"{type(error).__name__}: {error}"}))
        return 2
    for code in fails:
        print(json.dumps({"rule": str(code), "crashed": True}))
    count = 0
    alone = {}
    for row in issues.to_dict("records"):
        row = {key: (str(value) if value == value else "") for key, value in row.items()}
        code = row.get("rule_code", "")
        if code not in alone:
            with contextlib.redirect_stdout(noise):
                only, _ = _run(args, [code])
            alone[code] = (
                {(str(r["child_id"]), str(r["row_id"])) for r in only.to_dict("records")} if len(only) else set()
            )
        if (row.get("child_id"), row.get("row_id")) not in alone[code]:
            row["leaked"] = True
        else:
            count += 1
        print(json.dumps(row, default=str))
    return 1 if count else 0


def _run(args, selected=None):
    from lac_validator.lac_validator import LacValidator, create_issue_df
    from lac_validator.report import Report
    from lac_validator.utils import process_uploaded_files

    ruleset = f"lac{args.year - 1}_{str(args.year)[2:]}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    paths = sorted(str(p) for p in Path(args.directory).glob("*.csv"))
    files = process_uploaded_files({"This year": paths})
    validator = LacValidator(
        metadata={"collectionYear": str(args.year), "localAuthority": args.la},
        files=files,
        registry=registry,
        selected_rules=selected,
    )
    report = Report(validator.ds_results, registry)
    try:
        return create_issue_df(report.report, report.error_report), validator.fails
    except ValueError:  # "No objects to concatenate": the validator's way of saying no issues
        import pandas

        return pandas.DataFrame(), validator.fails


if __name__ == "__main__":
    sys.exit(main())
