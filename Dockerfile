# syntax=docker/dockerfile:1
#
# One image recipe for the gateway and every subgraph; the SERVICE build argument picks which:
#   docker build --build-arg SERVICE=order -t shopgraph/order:dev .
# SERVICE is one of gateway, user, product, cart, order, payment, notification, analytics.
# docker-compose.yml builds all eight. Checked by tools/packaging/test (no Docker engine there).
#
# Stages: base (Node + pinned pnpm) -> deps (the lockfile's production packages, fetched into
# the store; cached until pnpm-lock.yaml changes) -> build (sources + an offline, frozen,
# production-only install of the service and its workspace dependencies) -> runtime.
#
# Why the runtime runs TypeScript through tsx rather than compiled JavaScript: every workspace
# package exports `./src/index.ts`, and modules read files next to their sources through
# import.meta.url (each subgraph's schema.graphql and migrations/, schema/supergraph.graphql,
# schema/operations/), so the image keeps the repository layout and runs the sources exactly as
# the packages' `start` scripts do (`tsx src/main.ts`). tsx is a devDependency, which the
# production install leaves out, so the runtime stage installs it globally at the version the
# lockfile pins (TSX_VERSION; a test keeps the two equal).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
# Same pnpm as package.json's packageManager. npm, not corepack: corepack's signature checks fail.
ARG PNPM_VERSION=10.34.9
ENV PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH \
    CI=true
RUN npm install --global pnpm@${PNPM_VERSION} && npm cache clean --force
WORKDIR /app

FROM base AS deps
# `pnpm fetch` reads only the lockfile (and the workspace settings), so this layer survives
# edits to sources and package.json scripts.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch --prod

FROM deps AS build
ARG SERVICE=gateway
# The whole workspace (every package.json the lockfile's importers name); .dockerignore keeps
# out node_modules, .data, .git, .env and CI output.
COPY . .
RUN sh tools/packaging/docker/shop-service.sh dir >/dev/null \
    && case "$SERVICE" in gateway) pkg=@shop/gateway ;; *) pkg="@shop/$SERVICE-subgraph" ;; esac \
    && pnpm install --offline --frozen-lockfile --prod --filter "$pkg..."

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE=gateway
ARG TSX_VERSION=4.23.15
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    SERVICE=${SERVICE} \
    SHOP_APP_ROOT=/app
RUN npm install --global tsx@${TSX_VERSION} && npm cache clean --force
COPY --from=build /app /app
COPY --chmod=0755 tools/packaging/docker/shop-service.sh /usr/local/bin/shop-service
# Sources stay root-owned (read-only for the service). Without DATABASE_URL a subgraph keeps an
# embedded PGlite database under its folder's .data, the one place the service may write.
RUN dir="$(shop-service dir)" && mkdir -p "/app/$dir/.data" && chown node:node "/app/$dir/.data"
WORKDIR /app
USER node
# gateway 4000, user 4001, product 4002, cart 4003, order 4004, payment 4005,
# notification 4006, analytics 4007 (PORT overrides).
EXPOSE 4000-4007
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 CMD ["shop-service", "health"]
ENTRYPOINT ["shop-service"]
CMD ["start"]
