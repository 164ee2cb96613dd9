/**
 * Process entry: configuration → database → auth → Next → HTTP + /ws → graceful stop.
 * One process owns the database; Next's route handlers reach it through the runtime handle.
 * Every answer gets the security headers; /healthz, /readyz and /metrics are answered here,
 * before Next.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import next from 'next';
import { ConfigError, loadConfig } from './config';
import { createAuth, resolveAuthSecret } from './auth/auth';
import { openDatabase, DatabaseInUseError } from './store/database';
import { startRecordingRetention } from './store/recording-retention';
import { setRuntime } from './runtime';
import { SocketServer } from './socket/upgrade';
import { createProviders } from './providers';
import { createSocketVoiceSession } from './socket/voice';
import { createVoiceActivityDetector } from './audio/vad';
import { createClientAddressStamp } from './http/client-address';
import { createOperationsEndpoints, createReadiness } from './http/operations';
import { createSecurityHeaders } from './http/security-headers';
import { loadTls } from './http/tls';
import { captureConsole, log, setLogLevel } from './log';
import { metrics } from './metrics';
import { warmUpDtls } from './rtc/warmup';

async function main() {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  captureConsole();
  // Certificate problems are configuration errors: reported before anything slow starts.
  const tls = config.tls ? await loadTls(config.tls, { dataDir: config.dataDir, publicUrl: config.publicUrl }) : undefined;
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    migrationsFolder: path.join(config.appRoot, 'drizzle'),
  });
  if (database.kind === 'postgres' && !config.authSecret) {
    // Fine for one instance; a second one would generate its own and sign nobody in.
    log.warn('AUTH_SECRET is not set: the auth secret generated in DATA_DIR is this instance\'s alone. Set the same AUTH_SECRET on every instance sharing this PostgreSQL.');
  }
  const auth = createAuth(database.db, config, resolveAuthSecret(config));
  const retention = config.recordingRetentionDays ? startRecordingRetention({ db: database.db, days: config.recordingRetentionDays, log }) : null;
  const providers = await createProviders(config);
  if (providers.recogniserPool) metrics.watchRecognisers(providers.recogniserPool);
  const runtime = { config, db: database.db, auth, voices: async () => (await providers.tts.voices?.()) ?? [] };
  setRuntime(runtime);

  const app = next({ dev: config.env === 'development', dir: config.appRoot, hostname: config.host, port: config.port });
  // The first DTLS handshake costs ~450 ms of CPU: paid here, alongside Next's start, not by the first caller.
  const rtcWarm = config.rtc.enabled
    ? warmUpDtls().then(
        (ms) => log.info({ ms: Math.round(ms) }, 'webrtc warmed up'),
        (error: unknown) => log.warn({ err: error }, 'webrtc warm-up failed'),
      )
    : Promise.resolve();
  // Loading onnxruntime and the Silero model takes ~0.6 s once: not on the first offer.
  const vadWarm = config.rtc.enabled
    ? createVoiceActivityDetector({ kind: config.turns.vad }).then(
        (vad) => vad.close(),
        (error: unknown) => log.warn({ err: error }, 'the server VAD could not be loaded'),
      )
    : Promise.resolve();
  await app.prepare();
  await Promise.all([rtcWarm, vadWarm]);
  const handleRequest = app.getRequestHandler();

  const sockets = new SocketServer(
    runtime,
    (context) =>
      createSocketVoiceSession(context, { db: database.db, providers, agentContext: config.agentContext, turns: config.turns, rtc: config.rtc, backpressure: config.backpressure }),
    // Every open session may speak: its recogniser is warmed when it opens, not at its first word.
    { onSessionsChanged: (speakers) => providers.stt.expectSpeakers?.(speakers) },
  );
  const stampClientAddress = createClientAddressStamp(config.trustProxy);
  const setSecurityHeaders = createSecurityHeaders(config);
  let stopping = false;
  const answerOperations = createOperationsEndpoints({
    readiness: createReadiness({
      enginesWarm: providers.ready(),
      pingDatabase: async () => void (await database.db.execute(sql`select 1`)),
      stopping: () => stopping,
      log,
    }),
    metrics: metrics.registry,
    metricsToken: config.metricsToken,
  });
  const serve: http.RequestListener = (req, res) => {
    stampClientAddress(req);
    setSecurityHeaders(req, res);
    if (answerOperations(req, res)) return;
    void handleRequest(req, res);
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, serve) : http.createServer(serve);
  if (tls) log.info({ certificate: tls.source, sha256: tls.fingerprint }, 'serving HTTPS');
  server.on('upgrade', (req, socket, head) => {
    stampClientAddress(req);
    if (new URL(req.url ?? '/', 'http://localhost').pathname === '/ws') {
      void sockets.handleUpgrade(req, socket, head);
    } else if (config.env !== 'development') {
      socket.destroy(); // in development Next's own listener serves hot reloading
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const where = database.kind === 'pglite' ? `embedded PGlite in ${path.relative(process.cwd(), config.dataDir) || '.'}` : 'PostgreSQL';
  // Test helpers and people wait for this line; keep its words.
  log.info({ url: config.publicUrl, env: config.env, database: database.kind }, `Parley is listening on ${config.publicUrl} (${config.env}; database: ${where})`);

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    server.close();
    await sockets.close();
    server.closeAllConnections();
    await app.close().catch(() => {});
    await providers.close();
    await retention?.stop();
    await database.close();
    setRuntime(undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// Start-up failures are for a person at a terminal: plain sentences on stderr, not JSON.
main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`Port ${process.env.PORT ?? 3000} is already in use: stop the program using it, or set PORT to a free port.\n`);
    process.exit(2);
  }
  process.stderr.write(`Parley failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
