#!/usr/bin/env python3
"""Writes COUNT alerting session records for clients PREFIX00000… into FILES .jsonl files.

  gen_records.py OUTDIR NAME PREFIX COUNT FILES [SRS_TOTAL]

Each record is session 1 of a new client with an SRS total of SRS_TOTAL (default 30.0,
items spread evenly), so it raises exactly one alert, `below-cutoff` (SPEC §5: n = 1 and
below 36); no other rule can fire on a first session without profile, PSQ or markers.
"""
import json
import os
import sys

out, name, prefix, count, files = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
total = float(sys.argv[6]) if len(sys.argv) > 6 else 30.0
item = total / 4
os.makedirs(out, exist_ok=True)
per_file = -(-count // files)
for f in range(files):
    with open(os.path.join(out, f"{name}-{f:03d}.jsonl"), "w") as fh:
        for i in range(f * per_file, min(count, (f + 1) * per_file)):
            fh.write(json.dumps({"schema": 1, "client": f"{prefix}{i:05d}", "session": 1, "date": "2026-02-02",
                                 "srs": {"relationship": item, "goals": item, "approach": item, "overall": item}}) + "\n")
