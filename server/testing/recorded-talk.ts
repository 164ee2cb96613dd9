/** Speaking with the real server over /ws for recording tests: what was said and what came back, to compare kept audio with. */
import { ContractClient } from './contract-client';
import { synthesizeSpeech } from './test-speech';
import type { TestUser } from './users';

export interface SpokenConversation {
  conversationId: string;
  /** Each question's PCM, as sent. */
  said: Int16Array[];
  /** Each reply's agent.audio.chunk count (20 ms each). */
  replyChunks: number[];
}

/** Turns "keep the audio" on or off for `user`, leaving the other settings as they are. */
export async function setKeepAudio(baseUrl: string, user: TestUser, keepAudio: boolean): Promise<void> {
  const response = await fetch(`${baseUrl}/api/settings`, {
    method: 'PUT',
    headers: { cookie: user.cookie, origin: new URL(baseUrl).origin, 'content-type': 'application/json' },
    body: JSON.stringify({ systemPrompt: null, voice: null, keepAudio }),
  });
  if (!response.ok) throw new Error(`PUT /api/settings: ${response.status} ${await response.text()}`);
}

/** Speaks each question in one new conversation, each reply heard to its end; resolves once the socket is closed. */
export async function talk(baseUrl: string, user: TestUser, questions: string[]): Promise<SpokenConversation> {
  const client = await ContractClient.connect(baseUrl, { cookie: user.cookie });
  const { conversationId } = await client.next('session.ready');
  const said: Int16Array[] = [];
  const replyChunks: number[] = [];
  for (const [index, question] of questions.entries()) {
    const from = client.received.length;
    const pcm = await synthesizeSpeech(question, { leadingSilenceMs: 200, trailingSilenceMs: 200 });
    said.push(pcm);
    await client.speak(`q${index}`, pcm);
    const end = await client.next('agent.audio.end', () => true, { from });
    replyChunks.push(client.received.slice(from).filter((m) => m.type === 'agent.audio.chunk' && m.utteranceId === end.utteranceId).length);
  }
  await client.close();
  return { conversationId, said, replyChunks };
}
