/**
 * A person's own settings (system prompt, voice): read when they open a conversation, written
 * from Settings. Absent values mean "what the server is configured with".
 */
import { eq } from 'drizzle-orm';
import { personSettings } from '../../lib/db/schema';
import type { Database } from './database';

export interface PersonSettings {
  systemPrompt: string | null;
  voice: string | null;
}

export const NO_SETTINGS: PersonSettings = { systemPrompt: null, voice: null };

export async function loadPersonSettings(db: Database, userId: string): Promise<PersonSettings> {
  const [row] = await db
    .select({ systemPrompt: personSettings.systemPrompt, voice: personSettings.voice })
    .from(personSettings)
    .where(eq(personSettings.userId, userId));
  return row ?? NO_SETTINGS;
}

export async function savePersonSettings(db: Database, userId: string, settings: PersonSettings): Promise<PersonSettings> {
  const [row] = await db
    .insert(personSettings)
    .values({ userId, ...settings })
    .onConflictDoUpdate({ target: personSettings.userId, set: { ...settings, updatedAt: new Date() } })
    .returning({ systemPrompt: personSettings.systemPrompt, voice: personSettings.voice });
  return row;
}
