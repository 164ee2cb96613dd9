# One container: the Next app, /ws and the voice pipeline, on the embedded default.
#   docker build -t parley . && docker run -p 3000:3000 -v parley-data:/data parley
# Set PUBLIC_URL to the address people open, and DATABASE_URL for PostgreSQL.
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential pkg-config python3 \
      pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# The same set-up as on a Debian host: npm ci and our native speech helper.
RUN bash scripts/setup.sh && NEXT_TELEMETRY_DISABLED=1 npm run build

ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data NEXT_TELEMETRY_DISABLED=1
VOLUME /data
EXPOSE 3000
# Healthy while ready: the database answers and the speech engines are warm (README: Operating).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "dist/server.mjs"]
