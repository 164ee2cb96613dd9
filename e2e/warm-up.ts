import type { Page } from '@playwright/test';
import { ContractClient } from '../server/testing/contract-client';
import { closeSpeechEngines, synthesizeSpeech } from '../server/testing/test-speech';

/**
 * The fake microphone runs on a fixed schedule, so a first answer must start within a few
 * seconds. The first utterance a fresh server recognises is several times slower than later
 * ones (cold model pages and code), so one throwaway utterance goes over the contract first,
 * on its own connection (and conversation) of the same person.
 */
export async function warmUpRecogniser(page: Page, baseURL: string, timeoutMs = 90_000): Promise<void> {
  const session = (await page.context().cookies()).find((c) => c.name === 'better-auth.session_token');
  const client = await ContractClient.connect(baseURL, { cookie: `${session!.name}=${session!.value}` });
  try {
    await client.speak('warm-up', await synthesizeSpeech('hello', { trailingSilenceMs: 300 }));
    await client.next('transcript.final', (m) => m.utteranceId === 'warm-up', { timeoutMs });
  } finally {
    await client.close();
    await closeSpeechEngines();
  }
}
