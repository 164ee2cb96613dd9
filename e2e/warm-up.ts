import type { Page } from '@playwright/test';
import { warmUpRecogniser as warmUp } from '../server/testing/warm-up';
import { closeSpeechEngines } from '../server/testing/test-speech';

/** server/testing/warm-up.ts as the page's signed-in person (the fake microphone's first answer must come in time). */
export async function warmUpRecogniser(page: Page, baseURL: string, timeoutMs = 90_000): Promise<void> {
  const session = (await page.context().cookies()).find((c) => c.name === 'better-auth.session_token');
  try {
    await warmUp(baseURL, `${session!.name}=${session!.value}`, timeoutMs);
  } finally {
    await closeSpeechEngines();
  }
}
