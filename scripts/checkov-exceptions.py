"""Judges a Checkov JSON report against scripts/checkov-terraform-exceptions.tsv.

Usage: python checkov-exceptions.py <checkov report.json> <exceptions.tsv>
Exit 0 when every failed check is listed (check, file, resource) with a reason and every
listed exception matched a failure; 1 otherwise. Prints one line per failure and exception.
"""
import json
import sys


def load_exceptions(path):
    exceptions = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 4 or len(parts[3].strip()) < 10:
                sys.exit(f"{path}:{number}: expected check<TAB>file<TAB>resource<TAB>reason (a reason of 10+ characters)")
            exceptions[tuple(parts[:3])] = parts[3]
    return exceptions


def main(report_path, exceptions_path):
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    reports = report if isinstance(report, list) else [report]
    exceptions = load_exceptions(exceptions_path)
    used, unexpected, passed = set(), [], 0
    for r in reports:
        passed += r.get("summary", {}).get("passed", 0)
        if r.get("summary", {}).get("parsing_errors", 0):
            unexpected.append(("parsing", r["check_type"], "errors", "Checkov could not parse some files"))
        for failure in r.get("results", {}).get("failed_checks", []):
            key = (failure["check_id"], failure["file_path"].lstrip("/"), failure["resource"])
            if key in exceptions:
                used.add(key)
                print(f"excepted {' '.join(key)}: {exceptions[key]}")
            else:
                unexpected.append((*key, failure.get("check_name", "")))
    for key in unexpected:
        print(f"FAILED {key[0]} {key[1]} {key[2]}: {key[3]}")
    stale = [key for key in exceptions if key not in used]
    for key in stale:
        print(f"STALE exception {' '.join(key)}: no such failure any more; remove the line")
    print(f"checkov terraform_json: {passed} checks passed, {len(unexpected)} failed, {len(used)} excepted with reasons")
    return 1 if unexpected or stale or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
