/** What GET/PUT /api/settings speak, shared by the route and the Settings page. */
export const MAX_SYSTEM_PROMPT = 4000;

export interface PersonSettingsView {
  /** null: the default below. */
  systemPrompt: string | null;
  voice: string | null;
  /** Keep the audio of their conversations (off unless turned on). */
  keepAudio: boolean;
  /** What is kept now, and for how long (null: until deleted). */
  recordings: { count: number; bytes: number; retentionDays: number | null };
  /** The configured voice engine's voices, its default first. */
  voices: string[];
  /** Whether the agent takes a system prompt at all (the built-in one does not). */
  agentTakesPrompt: boolean;
  defaults: { systemPrompt: string | null; voice: string | null };
}
