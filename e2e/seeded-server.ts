/**
 * A second Parley server whose embedded database is filled before it starts, for what no
 * microphone can say: markup in a transcript, an interrupted reply with its latencies, many
 * conversations over many days. (The e2e server's own database is locked by its process.)
 * The person is signed up through better-auth and the conversations written through the store,
 * the code the server itself runs; then the real production server is started on that folder.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { conversations } from '../lib/db/schema';
import { createAuth, resolveAuthSecret } from '../server/auth/auth';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/store/database';
import { appendTurn, createConversation } from '../server/store/conversations';
import { startServer, type RunningServer } from '../server/testing/server-process';

export interface SeedTurn {
  role: 'user' | 'agent';
  text: string;
  interrupted?: boolean;
  sttLatencyMs?: number;
  agentLatencyMs?: number;
  ttsLatencyMs?: number;
  voiceToVoiceMs?: number;
}

export interface SeedConversation {
  startedAt: Date;
  turns: SeedTurn[];
}

export interface SeededServer {
  server: RunningServer;
  email: string;
  password: string;
  /** In the order given. */
  conversationIds: string[];
}

const appRoot = path.resolve(import.meta.dirname, '..');
/** Each seeded turn lasts this long, and the next starts 1 s after it ends. */
const TURN_MS = 3_000;

export async function startSeededServer(seed: SeedConversation[]): Promise<SeededServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-seeded-'));
  const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' }, appRoot);
  const database = await openDatabase({ databaseUrl: undefined, dataDir, migrationsFolder: path.join(appRoot, 'drizzle') });
  const email = `seeded-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = 'a long enough password';
  const conversationIds: string[] = [];
  try {
    const auth = createAuth(database.db, config, resolveAuthSecret(config));
    const { user } = await auth.api.signUpEmail({ body: { email, password, name: 'Seeded Person' } });
    for (const { startedAt, turns } of seed) {
      const conversation = await createConversation(database.db, user.id);
      let lastUserTurn: string | null = null;
      for (const [index, turn] of turns.entries()) {
        const start = new Date(startedAt.getTime() + index * (TURN_MS + 1_000));
        const row = await appendTurn(database.db, {
          conversationId: conversation.id,
          role: turn.role,
          utteranceId: crypto.randomUUID(),
          text: turn.text,
          startedAt: start,
          endedAt: new Date(start.getTime() + TURN_MS),
          interrupted: turn.interrupted ?? false,
          sttLatencyMs: turn.sttLatencyMs ?? null,
          agentLatencyMs: turn.agentLatencyMs ?? null,
          ttsLatencyMs: turn.ttsLatencyMs ?? null,
          voiceToVoiceMs: turn.voiceToVoiceMs ?? null,
          replyTo: turn.role === 'agent' && lastUserTurn ? [lastUserTurn] : null,
        });
        if (turn.role === 'user') lastUserTurn = row.id;
      }
      // As if it had happened then: started at its first turn, last touched at its last.
      const endedAt = new Date(startedAt.getTime() + turns.length * (TURN_MS + 1_000));
      await database.db.update(conversations).set({ createdAt: startedAt, updatedAt: endedAt }).where(eq(conversations.id, conversation.id));
      conversationIds.push(conversation.id);
    }
  } finally {
    await database.close();
  }
  const server = await startServer({ dataDir });
  return { server, email, password, conversationIds };
}
