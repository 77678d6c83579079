# ShopGraph automation. Each target runs a root package.json script, so `make X` and `pnpm X`
# do the same thing (checked by tools/packaging/test/automation.test.ts). Docker targets need
# Docker Compose v2; the rest need only Node and pnpm.
.PHONY: help env build up down logs ps infra infra-down test check dev

help:
	@echo "make dev          run the whole graph in one process (embedded defaults, no Docker)"
	@echo "make infra        Postgres, Redis, Kafka, OpenSearch in Docker (run services with pnpm)"
	@echo "make infra-down   stop them"
	@echo "make env          write .env with fresh secrets for docker compose (if missing)"
	@echo "make build        build the images of the gateway and every subgraph"
	@echo "make up           everything in Docker (writes .env when missing), wait until healthy"
	@echo "make down | logs | ps"
	@echo "make test | check"

env:
	pnpm docker:env

build:
	pnpm docker:build

up:
	pnpm docker:up

down:
	pnpm docker:down

logs:
	pnpm docker:logs

ps:
	pnpm docker:ps

infra:
	pnpm infra:up

infra-down:
	pnpm infra:down

test:
	pnpm test

check:
	pnpm check

dev:
	pnpm start
