#!/usr/bin/env bash
# Load test: gunicorn + PostgreSQL with the catalogue and 100,000 generated papers (bench/search.py fills the
# database), wrk at 64 connections: the request mix for DURATION, then single endpoints for SINGLE_DURATION
# each (cached and cold paper details and list pages; bench/load.lua says what each mode requests).
# Prints the figures and writes them into bench/load.md, between its "load.sh" markers.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/heterogpu_bench bash bench/load.sh
# CACHE_URL (default redis://127.0.0.1:6379/1) is the cache all workers share; `CACHE_URL=` gives each worker
# its own. API_CACHE_SECONDS=0 turns the response cache off (the figures before it existed).
# Fails unless every request answered 2xx without socket errors.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database filled by bench/search.py}"
DURATION=${DURATION:-60s}
SINGLE_DURATION=${SINGLE_DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${LOAD_PORT:-8765}
WORKERS=${WEB_CONCURRENCY:-$(($(nproc) * 2 + 1))}
WORKER_CLASS=${WORKER_CLASS:-sync}
export CACHE_URL=${CACHE_URL-redis://127.0.0.1:6379/1}
export DEBUG=0 SECRET_KEY=load-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0 API_ANON_RATE=100000000/minute LOG_LEVEL=WARNING
manage() { .venv/bin/python manage.py "$@"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

manage collectstatic --noinput -v0
# Bulk-filled tables keep the dead rows the search-vector triggers leave until autovacuum comes by (the COUNT
# of a list page then reads the whole 500 MB heap): vacuum, so the figures describe a settled database.
manage shell --no-imports -c "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
KEYS_FILE=$(mktemp)
export KEYS_FILE
manage shell --no-imports -c "
from papers.models import Paper
print('\n'.join(Paper.objects.public().exclude(citation_key__startswith='synthetic').values_list('citation_key', flat=True)))
" >"$KEYS_FILE"
# The generated papers are synthetic<FIRST>..synthetic<LAST>, without gaps (bench/search.py numbers them).
read -r GENERATED FIRST LAST < <(manage shell --no-imports -c "
from papers.models import Paper
ns = [int(key[9:]) for key in Paper.objects.filter(citation_key__startswith='synthetic').values_list('citation_key', flat=True)]
assert len(ns) == max(ns) - min(ns) + 1, 'gaps in the synthetic<n> keys'
print(len(ns), min(ns), max(ns))
")
export GENERATED FIRST LAST
papers=$(manage shell --no-imports -c "from papers.models import Paper; print(Paper.objects.count())")
# Start cold: whatever an earlier run cached belongs to an older generation from here on.
manage shell --no-imports -c "from config.response_cache import bump_generation; bump_generation()"

.venv/bin/gunicorn config.wsgi --workers "$WORKERS" --worker-class "$WORKER_CLASS" --bind "127.0.0.1:$PORT" \
  --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$KEYS_FILE"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

uptime_before=$(uptime)
results=()
run() {  # run <mode> <duration>: one wrk run; its RESULT line, with the load average after it
  local line
  line=$(LOAD_MODE=$1 wrk -t2 -c"$CONNECTIONS" -d"$2" --latency -s bench/load.lua "http://127.0.0.1:$PORT" |
    grep '^RESULT')
  line="$line duration=$2 loadavg_after=$(loadavg | tr ' ' '/')"
  echo "$line"
  results+=("$line")
}
warm() { LOAD_MODE=$1 wrk -t2 -c"$CONNECTIONS" -d"$2" -s bench/load.lua "http://127.0.0.1:$PORT" >/dev/null; }
# The cached modes are measured in their steady state: each first fills the cache (not reported).
warm mix 10s
run mix "$DURATION"
warm detail 3s
run detail "$SINGLE_DURATION"
warm list 3s
run list "$SINGLE_DURATION"
run detail-cold "$SINGLE_DURATION"
run list-cold "$SINGLE_DURATION"
uptime_after=$(uptime)

read -r api_cache facet_cache < <(manage shell --no-imports -c "
from django.conf import settings
print(settings.API_CACHE_SECONDS, settings.FACET_CACHE_SECONDS)
")
cache=$([ -n "$CACHE_URL" ] && echo "shared cache $CACHE_URL" || echo "per-process cache (LocMemCache)")
figures=$(
  echo "gunicorn $WORKERS $WORKER_CLASS workers + PostgreSQL, $papers papers ($GENERATED generated), wrk -t2 at"
  echo "$CONNECTIONS connections on the same $(nproc) cores; $cache, API_CACHE_SECONDS=$api_cache,"
  echo "FACET_CACHE_SECONDS=$facet_cache. Run $(date -u '+%Y-%m-%d %H:%M') UTC with \`bash bench/load.sh\`."
  echo
  echo "- before: \`$uptime_before\`"
  echo "- after: \`$uptime_after\`"
  echo
  echo '```'
  printf '%s\n' "${results[@]}"
  echo '```'
)
echo "$figures"
.venv/bin/python - "$figures" <<'EOF'
import re, sys
from pathlib import Path

path, figures = Path("bench/load.md"), sys.argv[1]
begin, end = "<!-- load.sh: begin -->", "<!-- load.sh: end -->"
text = path.read_text() if path.exists() else f"# Load test\n\n{begin}\n{end}\n"
path.write_text(re.sub(f"{begin}.*?{end}", lambda _: f"{begin}\n{figures}\n{end}", text, flags=re.S))
EOF
if printf '%s\n' "${results[@]}" | grep -Eq 'socket_errors=[1-9]|non2xx=[1-9]'; then
  echo "FAILED: errors under load" >&2
  exit 1
fi
