#!/usr/bin/env python3
"""Compares the keys of alliance-watch.toml(5) with the reference configuration.

Usage: toml_keys.py CONFIG.toml PAGE.5

The page documents each table as `.SS [table]` and each key as a `.TP` whose tag line is
`.BR key " = default"`. Required are every key of CONFIG (tables nested as in TOML, so
`[instruments.srs]`), the `[digest]` keys and the `[rules.<id>]` keys of SPEC §7 even when
CONFIG lacks them. Prints one line per check ("ok ..." or "FAIL ...") and exits 1 if any
check failed.
"""
import re
import sys
import tomllib

# SPEC §7 keys that must be documented whether or not the reference file sets them.
SPEC_KEYS = {
    "digest": {"enabled": True, "hour": 7, "days": 28},
    "rules.<id>": {"enabled": True, "priority": None},  # priority: the rule's own default
}


def flatten(table, prefix=""):
    """{table path: {key: value}} for every table that holds plain keys."""
    result = {}
    for key, value in table.items():
        if isinstance(value, dict):
            result.update(flatten(value, f"{prefix}{key}."))
        else:
            result.setdefault(prefix.rstrip("."), {})[key] = value
    return result


def unescape(text):
    """Roff escapes used in the page, to plain text."""
    text = re.sub(r"\\f[BIRP]", "", text)
    for escape, plain in ((r"\(dq", '"'), (r"\-", "-"), (r"\(en", "-"), (r"\&", ""), (r"\e", "\\")):
        text = text.replace(escape, plain)
    return text


def documented(page_path):
    """{table: {key: default text}} and a list of duplicated (table, key)."""
    tables, duplicates = {}, []
    table = None
    lines = open(page_path, encoding="utf-8").read().splitlines()
    for index, line in enumerate(lines):
        if line.startswith(".SH"):
            table = None
        heading = re.match(r"^\.SS \[(.+)\]\s*$", line)
        if heading:
            table = unescape(heading.group(1))
            table = "rules.<id>" if table == "rules.id" else table  # .SS [rules.\fIid\fP]
            tables.setdefault(table, {})
            continue
        if line == ".TP" and table is not None and index + 1 < len(lines):
            tag = re.match(r'^\.BR (\S+) " = (.*)"\s*$', lines[index + 1])
            if not tag:
                continue
            key, default = tag.group(1), unescape(tag.group(2))
            if key in tables[table]:
                duplicates.append(f"[{table}] {key}")
            tables[table][key] = default
    return tables, duplicates


def main():
    config_path, page_path = sys.argv[1], sys.argv[2]
    with open(config_path, "rb") as file:
        reference = flatten(tomllib.load(file))
    expected = {table: dict(keys) for table, keys in reference.items()}
    for table, keys in SPEC_KEYS.items():
        for key, value in keys.items():
            expected.setdefault(table, {}).setdefault(key, value)
    page, duplicates = documented(page_path)

    failures = 0

    def report(ok, text):
        nonlocal failures
        failures += 0 if ok else 1
        print(("ok   " if ok else "FAIL ") + text)

    count = sum(len(keys) for keys in expected.values())
    missing = [f"[{t}] {k}" for t, keys in expected.items() for k in keys if k not in page.get(t, {})]
    report(not missing, f"toml(5) documents every key under its table ({count} keys, {len(expected)} tables)"
           + (f": missing {', '.join(missing)}" if missing else ""))

    stale = [f"[{t}] {k}" for t, keys in page.items() for k in keys if k not in expected.get(t, {})]
    empty = [f"[{t}]" for t, keys in page.items() if not keys]
    report(not stale and not empty and not duplicates, "toml(5) documents no key that does not exist"
           + (f": stale {', '.join(stale)}" if stale else "")
           + (f"; tables without keys {', '.join(empty)}" if empty else "")
           + (f"; twice {', '.join(duplicates)}" if duplicates else ""))

    wrong = []
    compared = 0
    for table, keys in expected.items():
        for key, value in keys.items():
            if value is None or key not in page.get(table, {}):
                continue
            compared += 1
            try:
                shown = tomllib.loads(f"v = {page[table][key]}")["v"]
            except tomllib.TOMLDecodeError:
                shown = page[table][key]
            if shown != value or (type(shown) is bool) != (type(value) is bool):
                wrong.append(f"[{table}] {key} = {page[table][key]} (reference {value!r})")
    report(not wrong, f"toml(5) shows the reference default of every key ({compared} compared)"
           + (f": {'; '.join(wrong)}" if wrong else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
