/**
 * A person's own settings (system prompt, voice, whether to keep audio): read when they open a
 * conversation, written from Settings. Absent values mean "what the server is configured with";
 * audio is kept only for those who turned it on.
 */
import { eq } from 'drizzle-orm';
import { personSettings } from '../../lib/db/schema';
import type { Database } from './database';

export interface PersonSettings {
  systemPrompt: string | null;
  voice: string | null;
  keepAudio: boolean;
}

export const NO_SETTINGS: PersonSettings = { systemPrompt: null, voice: null, keepAudio: false };

const columns = { systemPrompt: personSettings.systemPrompt, voice: personSettings.voice, keepAudio: personSettings.keepAudio };

export async function loadPersonSettings(db: Database, userId: string): Promise<PersonSettings> {
  const [row] = await db
    .select(columns)
    .from(personSettings)
    .where(eq(personSettings.userId, userId));
  return row ?? NO_SETTINGS;
}

/** `keepAudio` left out: as it was. */
export async function savePersonSettings(db: Database, userId: string, settings: Omit<PersonSettings, 'keepAudio'> & { keepAudio?: boolean }): Promise<PersonSettings> {
  const [row] = await db
    .insert(personSettings)
    .values({ userId, ...settings })
    .onConflictDoUpdate({ target: personSettings.userId, set: { ...settings, updatedAt: new Date() } })
    .returning(columns);
  return row;
}
