#!/usr/bin/env bash
# Load test: gunicorn + PostgreSQL with the catalogue and 100,000 generated papers (bench/search.py
# fills the database), wrk for DURATION at 64 connections over a mix of list, search, detail and
# export requests. Prints the figures and writes them to bench/load.md.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/heterogpu_bench bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database filled by bench/search.py}"
DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${LOAD_PORT:-8765}
WORKERS=${WEB_CONCURRENCY:-$(( $(nproc) * 2 + 1 ))}
export DEBUG=0 SECRET_KEY=load-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0 API_ANON_RATE=100000000/minute LOG_LEVEL=WARNING
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/gunicorn config.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
wrk -t2 -c"$CONNECTIONS" -d10s -s bench/load.lua "http://127.0.0.1:$PORT" >/dev/null  # warm up
result=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/load.lua "http://127.0.0.1:$PORT")
echo "$result"
papers=$(.venv/bin/python manage.py shell --no-imports -c "from papers.models import Paper; print(Paper.objects.count())")
line=$(echo "$result" | grep '^RESULT')
{
  echo "# Load test"
  echo
  echo "gunicorn ($WORKERS workers) + PostgreSQL, $papers papers, wrk $DURATION at $CONNECTIONS connections,"
  echo "mixing list, search, detail, category, compare and BibTeX export requests (bench/load.lua); $(nproc) cores,"
  echo "load generator on the same machine. Run $(date -u +%Y-%m-%d)."
  echo
  echo '```'
  echo "$line"
  echo '```'
} > bench/load.md
echo "$line"
