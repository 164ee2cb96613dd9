/** Silero v5 VAD: not available yet (see docs/vad.md). */
import type { VoiceActivityDetector } from './vad';

export async function createSileroVad(): Promise<VoiceActivityDetector> {
  throw new Error('vad: the Silero VAD is not available in this build; use VAD=webrtc');
}
