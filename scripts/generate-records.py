#!/usr/bin/env python3
"""Generate a realistic JSONL load for the replay benchmark.

Usage: generate-records.py RECORDS CLIENTS OUT.jsonl [SEED]

Weekly sessions, clients interleaved in date order (replay does not reorder). The mix: SRS near
the ceiling with occasional dips, slow declines and ruptures; a quarter of the clients also rate
the WAI-SR; some carry a substance-use profile with a motivation measure; some sessions have
observer markers, a PSQ tension item, an ORS, or are no-shows.
"""
import datetime
import json
import random
import sys

records, clients, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
sessions_per_client = max(1, records // clients)
start = datetime.date(2025, 1, 6)
kinds = [rng.random() for _ in range(clients)]
# Most clients rate near the ceiling (Meier & Feeley 2022); a few hover around the cutoff.
levels = [rng.choice([36.5, 38.0, 38.5, 39.0, 39.5, 39.5, 40.0, 40.0]) for _ in range(clients)]

with open(out, "w") as f:
    written = 0
    for week in range(sessions_per_client):
        day = start + datetime.timedelta(days=7 * week)
        for c in range(clients):
            if written >= records:
                break
            client = f"C-{c:06d}"
            kind = kinds[c]
            rec = {"schema": 1, "client": client, "clinician": f"T-{c % 400:03d}", "session": week + 1,
                   "date": (day + datetime.timedelta(days=c % 5)).isoformat()}
            if week == 0 and kind < 0.08:
                rec["profile"] = {"substance_use": True, "diagnoses": ["F10.20"],
                                  "motivation": {"ruler": rng.choice([2, 3, 5, 7])}}
            if rng.random() < 0.03 and week > 0:
                rec["attendance"] = rng.choice(["no-show", "cancelled-client", "cancelled-service"])
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")
                written += 1
                continue
            level = levels[c]
            if kind > 0.9:
                level -= 0.6 * week          # slow decline
            if 0.85 < kind <= 0.9 and week == 5:
                level -= 8                   # rupture
            total = max(0.0, min(40.0, level + rng.gauss(0, 0.4)))
            q = round(total / 4, 1)
            approach = q if rng.random() > 0.05 else round(max(0.0, q - 2.2), 1)
            rec["srs"] = {"relationship": q, "goals": q, "approach": approach, "overall": q}
            if kind < 0.25:
                base = 4 if kind > 0.05 else 3
                rec["wai_sr"] = [max(1, min(5, base + rng.choice([0, 0, 0, 1, -1]))) for _ in range(12)]
            if rng.random() < 0.04:
                rec["markers"] = [rng.choice(["rigid", "over-structuring", "distant", "distracted"])]
            if rng.random() < 0.05:
                rec["psq"] = {"tension": True, "intensity": rng.randint(1, 5), "resolution": rng.randint(1, 5)}
            if rng.random() < 0.2:
                o = round(rng.uniform(4, 8), 1)
                rec["ors"] = {"individually": o, "interpersonally": o, "socially": o, "overall": o}
            f.write(json.dumps(rec, separators=(",", ":")) + "\n")
            written += 1
