#!/usr/bin/env python3
"""Reads `journalctl -o json` output for tests/e2e/run.sh.

  journal.py expect JOURNAL EXPECTED.jsonl...   every expected alert present? (exit 1 if not)
  journal.py count JOURNAL [FIELD=VALUE...]      number of entries matching all pairs
  journal.py alerts JOURNAL PREFIX COUNT         every client PREFIX00000…(COUNT-1) has a
                                                 below-cutoff alert? prints missing/duplicates

Alerts are compared as the scenario README says: as multisets on (ALLIANCE_RULE,
ALLIANCE_CLIENT, ALLIANCE_EPISODE, ALLIANCE_SESSION, ALLIANCE_INSTRUMENT, PRIORITY), plus
ALLIANCE_CLINICIAN for clinician-pattern; a missing field is "", a missing episode "1".
Here only presence is checked: the spool may hold other clients' alerts too.
"""
import collections
import json
import sys


def entries(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line:
                e = json.loads(line)
                # journalctl prints binary-unsafe values as byte arrays
                yield {k: bytes(v).decode("utf-8", "replace") if isinstance(v, list) else v for k, v in e.items()}


def key(e):
    k = (e.get("ALLIANCE_RULE", ""), e.get("ALLIANCE_CLIENT", ""), e.get("ALLIANCE_EPISODE") or "1",
         e.get("ALLIANCE_SESSION", ""), e.get("ALLIANCE_INSTRUMENT", ""), str(e.get("PRIORITY", "")))
    if e.get("ALLIANCE_RULE") == "clinician-pattern":
        k += (e.get("ALLIANCE_CLINICIAN", ""),)
    return k


def expect(journal, expected_files):
    have = collections.Counter(key(e) for e in entries(journal) if "ALLIANCE_RULE" in e)
    missing_total = 0
    for path in expected_files:
        want = collections.Counter(key(e) for e in entries(path))
        missing = want - have
        name = path.rsplit("/", 1)[-1].replace(".expected.jsonl", "")
        n = sum(want.values())
        if missing:
            missing_total += sum(missing.values())
            print(f"  {name}: {n - sum(missing.values())}/{n} expected alerts in the journal; missing:")
            shown = sorted(missing.items())
            for k, c in shown[:4]:
                print(f"    {'/'.join(k)} (priority {k[5]})" + (f" x{c}" if c > 1 else ""))
            if len(shown) > 4:
                print(f"    ... and {len(shown) - 4} more")
        else:
            print(f"  {name}: {n}/{n} expected alerts in the journal")
    return 1 if missing_total else 0


def count(journal, pairs):
    want = dict(p.split("=", 1) for p in pairs)
    print(sum(1 for e in entries(journal) if all(str(e.get(k)) == v for k, v in want.items())))
    return 0


def alerts(journal, prefix, n):
    seen = collections.Counter(e.get("ALLIANCE_CLIENT", "") for e in entries(journal)
                               if e.get("ALLIANCE_RULE") == "below-cutoff"
                               and e.get("ALLIANCE_CLIENT", "").startswith(prefix))
    want = {f"{prefix}{i:05d}" for i in range(int(n))}
    missing = sorted(want - set(seen))
    dups = sum(c - 1 for c in seen.values() if c > 1)
    print(f"{len(want) - len(missing)} {len(missing)} {dups} {' '.join(missing[:5])}")
    return 0


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "expect":
        sys.exit(expect(args[0], args[1:]))
    if cmd == "count":
        sys.exit(count(args[0], args[1:]))
    if cmd == "alerts":
        sys.exit(alerts(*args))
    sys.exit(f"unknown command {cmd}")
