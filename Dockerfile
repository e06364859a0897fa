# syntax=docker/dockerfile:1
# One image for the whole platform: the four services, the ops dashboard and the provisioning job,
# chosen by the container's argument:
#   docker build -t penalty-platform .
#   docker run penalty-platform api          (scoring-service | sanction-service | notification-service
#                                             | ops-dashboard | provision)
# Without a Docker engine, `bash tools/deploy/image-rehearsal.sh` (part of `npm test`) performs this
# file's runtime stage in a fresh directory and runs the smoke suite against it; it reads the steps
# from here, so keep the runtime stage to COPY, RUN, ENV, WORKDIR, USER, EXPOSE, HEALTHCHECK,
# ENTRYPOINT and CMD lines.

# The Node version the image runs; the rehearsal installs the same version to run the smoke suite.
ARG NODE_VERSION=24.19.0

# ---- build: every dependency, then `npm run build` (tsc + tsc-alias, and Vite for the dashboard) ----
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies and the compiled output only ----
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# tini as PID 1: forwards SIGTERM to node (so Nest's shutdown hooks run and Kafka consumers leave their
# group) and reaps the provisioning job's child processes.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 10001 penalty \
  && useradd --uid 10001 --gid penalty --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin penalty
ENV NODE_ENV=production
ENV HTTP_PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no runtime dependency builds anything native; install scripts would only run code
# (telemetry, version checks) at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
# An unprivileged user of its own, by number so that Kubernetes' runAsNonRoot can check it, above
# 10000 so that it is none of the host's users (kube-score's rule). The application files stay owned by
# root: the process cannot change its own code.
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/tools/deploy/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/tools/deploy/launch.js"]
CMD ["api"]
