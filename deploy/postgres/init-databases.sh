#!/usr/bin/env bash
# One database and one login role per service, and no role may connect to another
# service's database. Each service's password comes from <SERVICE>_DB_PASSWORD
# (CATALOG_DB_PASSWORD, ...); there are no defaults, a missing one stops the script.
#
# Idempotent: run it again and it creates what is missing and sets every password anew.
# docker-compose.yml runs it as a one-shot container against the server (PGHOST etc. set);
# it works the same from /docker-entrypoint-initdb.d/ or by hand with psql on PATH.
set -euo pipefail

SERVICES=(catalog participation moderation notifications gateway)

missing=()
for service in "${SERVICES[@]}"; do
    var="${service^^}_DB_PASSWORD"
    [[ -n "${!var:-}" ]] || missing+=("$var")
done
if ((${#missing[@]})); then
    echo "init-databases: set ${missing[*]} (no defaults)" >&2
    exit 1
fi

for service in "${SERVICES[@]}"; do
    var="${service^^}_DB_PASSWORD"
    # The password reaches psql in its environment (\getenv), never on a command line,
    # and format(%I, %L) quotes every name and literal.
    ROLE_PASSWORD="${!var}" psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -v name="radar_${service}" <<'SQL'
\getenv password ROLE_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'name', :'password') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'name') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'name', :'name') \gexec
SQL
    echo "init-databases: radar_${service} ready"
done

# The maintenance database is not for the services either.
psql --no-psqlrc --quiet -v ON_ERROR_STOP=1 -c 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC'
