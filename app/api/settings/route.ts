/**
 * GET/PUT /api/settings: the caller's own system prompt, voice and whether their audio is kept,
 * used from their next conversation on, with what they may choose from (the configured voice
 * engine's voices), what applies when they choose nothing, and what recordings they have.
 */
import { z } from 'zod';
import { MAX_SYSTEM_PROMPT, type PersonSettingsView } from '@/lib/person-settings';
import { DEFAULT_SYSTEM_PROMPT } from '@/server/providers/agent/openai/messages';
import { jsonError, readJson, withIdentity } from '@/server/http/route';
import type { Runtime } from '@/server/runtime';
import { loadPersonSettings, savePersonSettings, type PersonSettings } from '@/server/store/person-settings';
import { countPersonRecordings } from '@/server/store/turn-audio';

export const dynamic = 'force-dynamic';

async function describe(runtime: Runtime, userId: string, settings: PersonSettings): Promise<PersonSettingsView> {
  const agent = runtime.config.providers.agent;
  const voices = await runtime.voices();
  return {
    ...settings,
    recordings: { ...(await countPersonRecordings(runtime.db, userId)), retentionDays: runtime.config.recordingRetentionDays ?? null },
    voices,
    agentTakesPrompt: agent.kind !== 'builtin',
    defaults: {
      systemPrompt: agent.kind === 'openai' ? (agent.systemPrompt ?? DEFAULT_SYSTEM_PROMPT) : null,
      voice: voices[0] ?? null,
    },
  };
}

export const GET = withIdentity(async (_request, { identity, runtime }) => {
  return Response.json(await describe(runtime, identity.userId, await loadPersonSettings(runtime.db, identity.userId)));
});

const settingsBody = z.object({
  systemPrompt: z
    .string({ error: 'systemPrompt must be a string, or null for the default' })
    .trim()
    .max(MAX_SYSTEM_PROMPT, `systemPrompt must be at most ${MAX_SYSTEM_PROMPT} characters`)
    .nullable()
    .transform((prompt) => prompt || null),
  voice: z.string({ error: 'voice must be a voice name, or null for the default' }).trim().min(1, 'voice must not be empty; null for the default').nullable(),
  /** Left out: as it was. */
  keepAudio: z.boolean({ error: 'keepAudio must be true or false (or left out to keep it as it is)' }).optional(),
});

export const PUT = withIdentity(async (request, { identity, runtime }) => {
  const body = await readJson(request, settingsBody);
  if (!body.ok) return body.response;
  const voices = await runtime.voices();
  if (body.value.voice !== null && !voices.includes(body.value.voice)) {
    return jsonError(400, 'invalid_body', `voice: ${JSON.stringify(body.value.voice)} is not a voice of this server; choose one of ${voices.join(', ')}, or null for the default.`);
  }
  return Response.json(await describe(runtime, identity.userId, await savePersonSettings(runtime.db, identity.userId, body.value)));
});
