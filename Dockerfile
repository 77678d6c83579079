# One image for the gateway and every subgraph; SERVICE (run time, or the build argument's
# default) picks which:
#   docker build -t shopgraph/service .
#   docker run --network host -e SERVICE=order -e DATABASE_URL=... shopgraph/service
# SERVICE is gateway or a subgraph of schema/src/subgraphs.ts. docker-compose.yml builds it per
# service; deploy/docker/ci.sh builds it and runs the whole graph (deploy/docker/README.md).
# Builds with and without BuildKit, and pulls nothing but NODE_IMAGE (where no registry is
# reachable, deploy/docker/base-image.sh makes one locally).
#
# Stages: build (pnpm, the lockfile's packages, then `pnpm bundle`: one esbuild bundle per
# service, the files the code reads at run time and the few packages that cannot be bundled,
# in /app; tools/packaging/src/bundle.ts) -> rootfs (the base without npm, yarn and corepack,
# plus /app) -> runtime (that file system as one layer: compiled JavaScript, production code
# only, no tsx, no package manager). Checked by tools/packaging/test/dockerfile.test.ts.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# Same pnpm as package.json's packageManager. npm, not corepack: corepack's signature checks fail.
ARG PNPM_VERSION=10.34.9
ENV PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH \
    CI=true
RUN npm install --global pnpm@${PNPM_VERSION} && npm cache clean --force
WORKDIR /repo
# `pnpm fetch` reads only the lockfile (and the workspace settings), so this layer survives
# edits to sources and package.json scripts.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
# The whole workspace; .dockerignore keeps out node_modules, .data, .git, .env and CI output.
# The workspace and its node_modules are removed in the same step: the layer keeps only /app,
# which keeps the build quick on copy-based storage drivers (vfs).
COPY . .
RUN pnpm install --offline --frozen-lockfile && pnpm bundle /app && cd / && rm -rf /repo

FROM ${NODE_IMAGE} AS rootfs
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /usr/local/bin/corepack /opt/yarn-* \
      /root/.npm /tmp/* \
    && (id -u node >/dev/null 2>&1 || useradd --uid 1000 --create-home --shell /bin/sh node)
COPY --from=build /app /app
COPY tools/packaging/docker/shop-service.sh /usr/local/bin/shop-service
# Code stays root-owned (read-only for the service). Without DATABASE_URL a subgraph keeps an
# embedded PGlite database under /app/.data, the one place the service may write.
RUN chmod 0755 /usr/local/bin/shop-service && mkdir -p /app/.data && chown node:node /app/.data

FROM scratch AS runtime
COPY --from=rootfs / /
ARG SERVICE=gateway
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    NODE_ENV=production \
    HOST=0.0.0.0 \
    SERVICE=${SERVICE} \
    SHOP_APP_ROOT=/app
WORKDIR /app
USER node
# gateway 4000, user 4001, product 4002, cart 4003, order 4004, payment 4005,
# notification 4006, analytics 4007 (PORT overrides).
EXPOSE 4000-4007
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 CMD ["shop-service", "health"]
ENTRYPOINT ["shop-service"]
CMD ["start"]
