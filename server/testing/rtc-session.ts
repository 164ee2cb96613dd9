/**
 * A real VoiceSession (the harness's scripted engines) behind the real WebRTC bridge, with a
 * werift client peer on loopback: the turn rules as a WebRTC caller meets them.
 */
import { log } from '../log';
import type { VadKind } from '../audio/vad';
import { createVoiceActivityDetector } from '../audio/vad';
import { PacedAudioOutput } from '../voice/audio-out';
import { RtcBridge } from '../rtc/signalling';
import { RtcTestClient } from './rtc-client';
import { VoiceHarness } from './voice-harness';

export async function connectedSession(h: VoiceHarness, options: { vad?: VadKind } = {}) {
  const sent: Array<{ type: string }> = [];
  let answer: ((sdp: string) => void) | null = null;
  const answered = new Promise<string>((resolve) => (answer = resolve));
  const rtc = new RtcBridge({
    ice: { iceServers: [] },
    session: h.session,
    socketOutput: new PacedAudioOutput({ sendFrame: () => {} }),
    send: (message) => {
      sent.push(message);
      if (message.type === 'rtc.answer') answer?.(message.sdp);
    },
    createVad: () => createVoiceActivityDetector({ kind: options.vad }),
    log,
  });
  h.onMessage((m) => {
    if (m.type === 'transcript.partial') rtc.partial(m.utteranceId, m.text);
  });
  const client = RtcTestClient.create();
  void rtc.offer(await client.offer());
  await client.accept(await answered);
  // The server's side connects a moment after the client's: from then on the agent speaks on the track.
  await h.until(() => rtc.carriesUser, 'the server side of the peer connection');
  return {
    rtc,
    client,
    sent,
    async close() {
      await rtc.close();
      await client.close();
    },
  };
}
