#!/usr/bin/env bash
# Everything the tests need beyond npm, installed (or found cached) in one go:
#   scripts/lab.sh            real PostgreSQL 15, 17, 18, pgvector, PgBouncer (the upgrade lab)
#   scripts/pgvector-releases.sh  pgvector 0.6.2's install script next to the lab's 0.8.0 (extension update tests)
#   scripts/pg-tviews.sh      pg_tviews (Rust, pgrx; crate registry) built against the lab's PostgreSQL, cached by
#                             release and major: the builds the tests use (about 3 min for cargo-pgrx plus 3 min
#                             a build on a fresh machine; seconds when cached)
#   scripts/report-deps.sh    Chromium for the report's browser tests, cairo/pango for PNG charts
#   scripts/moto.sh           the AWS API emulator (moto's server) for the AWS tests
#   scripts/patroni.sh        Patroni (PyPI, built-in Raft store) for the Patroni provider's tests
#   scripts/pgloader.sh       pgloader (Debian), the SQLite -> PostgreSQL loader the pgloader tests run
#   scripts/netns-deps.sh     iproute2, iptables, setpriv (Debian): the network-partition test's namespace
#   scripts/docker.sh         a Docker engine (Debian's docker.io; dockerd started without bridge or
#                             iptables) for the container provider's tests; .ci/run stops it at the end
#   scripts/images.sh         the PostgreSQL images those tests run (postgres:15, :17.10, :17.11,
#                             pgvector/pgvector:pg17, the pg_upgrade image), built locally from the
#                             lab's builds: no registry is reachable (needs scripts/lab.sh and npm's packages)
# Must run as root on a fresh machine (apt). Each part is skipped when already cached.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lab.sh
bash scripts/pgvector-releases.sh
# pg_tviews for the tests: 0.1.0-beta.34 for 16 (the minor-upgrade rehearsal), beta.20 for 15 (the
# example), beta.20 and beta.34 for 17 (the extension update beta.20 -> beta.34)
bash scripts/pg-tviews.sh 16 15 17 0.1.0-beta.20:17 >/dev/null
bash scripts/report-deps.sh
bash scripts/moto.sh >/dev/null
bash scripts/patroni.sh >/dev/null
bash scripts/pgloader.sh
bash scripts/netns-deps.sh
bash scripts/docker.sh
bash scripts/images.sh
echo "test-deps: ready"
