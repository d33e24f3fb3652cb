#!/usr/bin/env bash
# `make bench`: the load benchmark, then the API benchmark on what it loaded.
# Defaults finish in about 3-4 minutes on 2 cores; a full year: BENCH_DAYS=365 BENCH_AHEAD=120 (about 6-7 minutes more).
#   BENCH_DAYS      days of past arrivals to load (default 90)
#   BENCH_AHEAD     days of future arrivals on the books (default 60)
#   BENCH_REQUESTS  requests per measurement (default 300)
#   BENCH_TODAY     the hotel's today, YYYY-MM-DD (default: today)
#   PYTHON          interpreter (default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-.venv/bin/python}
DAYS=${BENCH_DAYS:-90}
AHEAD=${BENCH_AHEAD:-60}
REQUESTS=${BENCH_REQUESTS:-300}
TODAY=${BENCH_TODAY:-$(date +%F)}
DB="bench/.data/run-${DAYS}d-${AHEAD}a.sqlite3"
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p bench/results

echo "== machine: $(nproc) cores, $("$PY" --version 2>&1), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "== load: ${DAYS} days of arrivals before ${TODAY} + ${AHEAD} ahead, into ${DB}"
"$PY" bench/load_year.py --out "$DB" --days "$DAYS" --ahead "$AHEAD" --today "$TODAY" --json > "bench/results/load-${STAMP}.json"
"$PY" - "bench/results/load-${STAMP}.json" <<'PYEOF'
import json, sys
sys.path.insert(0, "bench")
import load_year
meta = json.load(open(sys.argv[1]))
print(load_year.summary(meta))
print(f"total           {meta['total_s']:.1f} s")
PYEOF
echo "== API benchmark on ${DB} (${REQUESTS} requests per measurement)"
"$PY" bench/api_bench.py --db "$DB" --requests "$REQUESTS" --json "bench/results/api_bench-${STAMP}.json"
