/**
 * Audio contract v1 (docs/protocol.md): every message on /ws, as zod schemas shared by the
 * browser, the server and the tests. Unknown fields are ignored (zod strips them).
 */
import { z } from 'zod';

// Our pages' Content-Security-Policy forbids eval. zod would try `new Function` to compile fast
// parsers, and the browser reports the attempt as a violation even though zod catches it.
if (typeof window !== 'undefined') z.config({ jitless: true });

export const PROTOCOL_VERSION = 1;
export const AUDIO_FORMAT = { encoding: 'pcm_s16le', sampleRate: 16000, channels: 1 } as const;
/** Largest text frame; larger ones close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Largest audio chunk: 200 ms of 16 kHz PCM16. */
export const MAX_CHUNK_BYTES = 6400;

export const utteranceId = z
  .string({ error: 'utteranceId must be a string' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'utteranceId must be 1–64 characters of A–Z, a–z, 0–9, _ or -');
const timestamp = z.number({ error: 'timestamp must be a number (your clock, in milliseconds)' }).finite();
const sequence = z
  .number({ error: 'sequence must be a number' })
  .int('sequence must be a whole number')
  .nonnegative('sequence must be 0 or more');
const base64Audio = z.string({ error: 'audio must be a base64 string of PCM16 samples' });

export const audioFormat = z.object({
  encoding: z.string({ error: 'format.encoding must be a string' }),
  sampleRate: z.number({ error: 'format.sampleRate must be a number' }),
  channels: z.number({ error: 'format.channels must be a number' }),
});
export type AudioFormat = z.infer<typeof audioFormat>;

// ── client → server ──────────────────────────────────────────────────────────────────────

export const userAudioStart = z.object({
  type: z.literal('user.audio.start'),
  utteranceId,
  timestamp,
  format: audioFormat.optional(),
});
export const userAudioChunk = z.object({
  type: z.literal('user.audio.chunk'),
  utteranceId,
  sequence,
  timestamp,
  audio: base64Audio,
});
export const userAudioEnd = z.object({
  type: z.literal('user.audio.end'),
  utteranceId,
  sequence: sequence.optional(),
  timestamp,
});
export const clientAgentInterrupt = z.object({
  type: z.literal('agent.interrupt'),
  utteranceId: utteranceId.optional(),
  playedMs: z.number({ error: 'playedMs must be a number of milliseconds' }).finite().nonnegative().optional(),
  timestamp,
});
export const rtcOffer = z.object({
  type: z.literal('rtc.offer'),
  sdp: z.string({ error: 'sdp must be a string' }).min(1, 'sdp must not be empty'),
});

export const clientMessageSchemas = {
  'user.audio.start': userAudioStart,
  'user.audio.chunk': userAudioChunk,
  'user.audio.end': userAudioEnd,
  'agent.interrupt': clientAgentInterrupt,
  'rtc.offer': rtcOffer,
} as const;

export const clientMessage = z.discriminatedUnion('type', [
  userAudioStart,
  userAudioChunk,
  userAudioEnd,
  clientAgentInterrupt,
  rtcOffer,
]);
export type ClientMessage = z.infer<typeof clientMessage>;
export type ClientMessageType = ClientMessage['type'];

// ── server → client ──────────────────────────────────────────────────────────────────────

export const sessionReady = z.object({
  type: z.literal('session.ready'),
  protocol: z.literal(PROTOCOL_VERSION),
  conversationId: z.string(),
  audio: z.object({ encoding: z.literal('pcm_s16le'), sampleRate: z.literal(16000), channels: z.literal(1) }),
});
export const transcriptPartial = z.object({ type: z.literal('transcript.partial'), utteranceId, text: z.string() });
export const transcriptFinal = z.object({ type: z.literal('transcript.final'), utteranceId, text: z.string() });
export const agentText = z.object({
  type: z.literal('agent.text'),
  utteranceId,
  text: z.string(),
  final: z.boolean(),
});
export const agentAudioChunk = z.object({
  type: z.literal('agent.audio.chunk'),
  utteranceId,
  sequence,
  timestamp,
  audio: base64Audio,
});
export const agentAudioEnd = z.object({
  type: z.literal('agent.audio.end'),
  utteranceId,
  reason: z.enum(['completed', 'interrupted']),
});
export const serverAgentInterrupt = z.object({
  type: z.literal('agent.interrupt'),
  utteranceId,
  reason: z.enum(['client', 'barge-in']),
});
export const rtcAnswer = z.object({ type: z.literal('rtc.answer'), sdp: z.string() });

/** Stable codes of `error` events; clients may switch on them. */
export const ERROR_CODES = [
  'invalid_json', // not JSON, or not a JSON object
  'invalid_message', // a field is missing or of the wrong form
  'unknown_type', // `type` names no message of this protocol
  'unsupported_frame', // a binary frame: this protocol is JSON text frames only
  'unsupported_format', // user.audio.start asked for audio other than pcm_s16le/16000/1
  'unknown_utterance', // a chunk or end for an utterance that was never started
  'utterance_ended', // a chunk or end for an utterance that has already ended
  'utterance_active', // a start while another user utterance is still open
  'duplicate_utterance', // a start reusing an utteranceId of this session
  'invalid_audio', // audio is not valid base64
  'odd_byte_count', // PCM16 needs an even number of bytes
  'chunk_too_large', // more than 200 ms (6400 bytes) in one chunk
  'sequence_gap', // chunks went missing; the audio that arrived is still used
  'utterance_timeout', // an open utterance received no audio for a while and was ended
  'transport_conflict', // user audio on the socket while WebRTC carries it
  'rtc_failed', // the peer connection failed or closed
  'stt_failed', // speech recognition failed for this utterance
  'agent_failed', // the agent failed to reply
  'tts_failed', // speech synthesis failed
  'provider_timeout', // an external model (speech recognition, agent or voice) did not answer in time
  'rate_limited', // too many frames: the socket is being closed
  'client_too_slow', // the client did not take the agent's audio fast enough: that reply was cut where it stopped arriving
  'server_busy', // the server is at capacity: no new session now; retry later (the socket closes with 1013)
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorEvent = z.object({
  type: z.literal('error'),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  utteranceId: utteranceId.optional(),
  fatal: z.boolean(),
});

export const serverMessage = z.discriminatedUnion('type', [
  sessionReady,
  transcriptPartial,
  transcriptFinal,
  agentText,
  agentAudioChunk,
  agentAudioEnd,
  serverAgentInterrupt,
  rtcAnswer,
  errorEvent,
]);
export type ServerMessage = z.infer<typeof serverMessage>;
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type ErrorEvent = z.infer<typeof errorEvent>;
