#!/usr/bin/env python3
"""Writes OUTDIR/attention.jsonl: weekly sessions ending today (local date), for the
attention list and the digest (SPEC §6.5).

  gen_attention.py OUTDIR

D-701 (clinician T-71) and D-702 (T-72): SRS 38, 38, 38, then 28 today: a rupture opens.
D-703 (no clinician): the same. D-704 (T-71): steady at 38, needs no attention.
D-705 (T-71): the rupture, then an episode_end session: never listed.
"""
import datetime
import json
import os
import sys

out = sys.argv[1]
today = datetime.date.today()
os.makedirs(out, exist_ok=True)


def srs(total):
    item = total / 4
    return {"relationship": item, "goals": item, "approach": item, "overall": item}


rows = []
for client, clinician, totals, end in [("D-701", "T-71", [38, 38, 38, 28], False),
                                       ("D-702", "T-72", [38, 38, 38, 28], False),
                                       ("D-703", None, [38, 38, 38, 28], False),
                                       ("D-704", "T-71", [38, 38, 38, 38], False),
                                       ("D-705", "T-71", [38, 38, 38, 28, 30], True)]:
    for index, total in enumerate(totals):
        record = {"schema": 1, "client": client, "session": index + 1,
                  "date": (today - datetime.timedelta(days=7 * (len(totals) - 1 - index))).isoformat(),
                  "srs": srs(total)}
        if clinician:
            record["clinician"] = clinician
        if end and index == len(totals) - 1:
            record["episode_end"] = True
        rows.append(json.dumps(record))
with open(os.path.join(out, "attention.jsonl"), "w") as fh:
    fh.write("\n".join(rows) + "\n")
