import { ContractClient } from './contract-client';
import { synthesizeSpeech } from './test-speech';

/**
 * The first utterance a fresh server recognises is several times slower than later ones (cold
 * model pages and code). Before a fake microphone with a fixed schedule speaks, one throwaway
 * utterance goes over the contract, on its own connection (and conversation) of the same person.
 */
export async function warmUpRecogniser(baseUrl: string, cookie: string, timeoutMs = 90_000): Promise<void> {
  const client = await ContractClient.connect(baseUrl, { cookie });
  try {
    await client.speak('warm-up', await synthesizeSpeech('hello', { trailingSilenceMs: 300 }));
    await client.next('transcript.final', (m) => m.utteranceId === 'warm-up', { timeoutMs });
  } finally {
    await client.close();
  }
}
