# oasis-stream production image: `deno run` on dependencies cached at build time from deno.lock
# (`deno compile` needs a download that our build machines cannot make).
FROM denoland/deno:2.9.6

# Debian's librdkafka for KAFKA_CLIENT=librdkafka (the image is Debian 12, like scripts/install.sh's machines).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends librdkafka1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# glibc's malloc as `deno task start` sets it (docs/performance.md, "Memory"): two arenas, not one per thread
# that allocates (V8's, Deno KV's, each worker's), and a fixed trim threshold, so that what a stopped worker
# freed goes back to the system; together they keep the idle service under 100 MB.
ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    PORT=8000

# Dependencies first, so code changes do not invalidate the cached npm packages: every package of the
# import map, exactly as deno.lock pins it, in a layer of its own.
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY src/ src/
COPY routes/ routes/
COPY static/ static/
COPY scripts/ scripts/
COPY simulator/ simulator/
RUN deno cache --frozen src/main.ts scripts/backfill.ts scripts/simulator.ts scripts/parse.ts \
    && mkdir -p /app/data && chown -R deno:deno /app/data /deno-dir

USER deno
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["deno", "eval", "const r = await fetch(`http://127.0.0.1:${Deno.env.get('PORT') ?? 8000}/health`); Deno.exit(r.ok ? 0 : 1)"]

# Explicit permissions instead of -A: network (OASIS, Kafka, Redis, clients), the environment, the data
# directory (Deno KV store, jobs and outbox; NDJSON Bronze), reading the app, and FFI for KAFKA_CLIENT=librdkafka
# (src/bronze/librdkafka_ffi.ts opens only librdkafka; the flag cannot name that file, because Deno 2.9 refuses
# pointer operations under a path-scoped --allow-ffi). Configuration by environment
# (see the README's settings table), or a YAML file mounted read-only under /app/config with
# CONFIG_FILE=/app/config/oasis.yaml. SIGTERM (docker stop) shuts down in order: cron, HTTP, outbox, store.
# --no-code-cache as `deno task start`: no V8 code cache database mapped for the process's life (memory).
# tests/main_test.ts runs this exact command outside the image, with /app mapped to the repository.
CMD ["deno", "run", "--cached-only", "--frozen", "--no-code-cache", "--allow-net", "--allow-env", "--allow-read=/app,/deno-dir", "--allow-write=/app/data", "--allow-ffi", "--v8-flags=--max-semi-space-size=1,--optimize-for-size", "src/main.ts"]
