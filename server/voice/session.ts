/**
 * The voice session of one conversation: consumes contract events from any transport.
 * (Foundation stage: user audio is validated and tracked; the pipeline comes next.)
 */
import type { ClientMessage } from '../../lib/contract/messages';
import type { ContractSession, Outbound } from '../socket/connection';
import { UserAudioInput } from './user-audio';

export class VoiceSession implements ContractSession {
  private readonly userAudio: UserAudioInput;
  private closed = false;

  constructor(private readonly out: Outbound) {
    this.userAudio = new UserAudioInput(
      { onUtteranceStart() {}, onUtteranceAudio() {}, onUtteranceEnd() {} },
      (problem) => out.send({ type: 'error', ...problem, fatal: false }),
    );
  }

  handle(message: ClientMessage): void {
    if (this.closed) return;
    switch (message.type) {
      case 'user.audio.start':
      case 'user.audio.chunk':
      case 'user.audio.end':
        return this.userAudio.handle(message);
      case 'agent.interrupt':
        return; // nothing is speaking yet
      case 'rtc.offer':
        return this.out.send({ type: 'error', code: 'rtc_failed', message: 'WebRTC is not available on this server; use the WebSocket audio path.', fatal: false });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
