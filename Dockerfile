# syntax=docker/dockerfile:1
# Three stages: compile with dev dependencies, install production dependencies alone, then a slim
# runtime holding only dist/, bin/gateway, those dependencies and package.json, run as the image's non-root user.
ARG NODE_IMAGE=node:24.21-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
# GRAPH_AUTH is not set here on purpose: in production the gateway refuses to start until the operator
# chooses (passthrough, app, obo; or emulator for a demo), so a forgotten variable never serves fake data.
ENV NODE_ENV=production \
    PORT=4000
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
# uid 1000 ("node") ships with the official image; the manifests' runAsUser matches it.
USER node
EXPOSE 4000
# Liveness only: readiness (/readyz) is for the load balancer, not for restarting the container.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# bin/gateway execs node, so node itself is PID 1 and handles SIGTERM (graceful drain). It is what `npm start`
# runs, V8 flags included (docs/performance.md).
CMD ["/app/bin/gateway"]
