/**
 * Which way the talk page's audio travels, as plain logic: WebRTC by default (the server
 * decides endpointing and barge-in), the socket's PCM path (this page's VAD decides) when asked
 * for with `?transport=socket` or when WebRTC does not connect.
 */
import { z } from 'zod';

export type Transport = 'webrtc' | 'socket';

/** How long WebRTC may take, from the offer's start to a connected peer, before the page falls back. */
export const RTC_CONNECT_TIMEOUT_MS = 6000;
/** How long ICE gathering may take before the offer goes with the candidates found so far. */
export const ICE_GATHERING_TIMEOUT_MS = 2000;

/** The transport a `?transport=` value asks for; anything else is the default, WebRTC. */
export function transportFromQuery(value: string | string[] | undefined | null): Transport {
  const v = Array.isArray(value) ? value[0] : value;
  return v === 'socket' || v === 'ws' ? 'socket' : 'webrtc';
}

/** What the page shows and tests read: the transport in use, or being tried, and why it changed. */
export type TransportStatus =
  | { kind: 'none' }
  | { kind: 'webrtc'; phase: 'connecting' | 'connected' }
  | { kind: 'socket'; fallbackReason: string | null };

export function transportLabel(status: TransportStatus): string {
  switch (status.kind) {
    case 'none':
      return 'No audio connection';
    case 'webrtc':
      return status.phase === 'connected' ? 'WebRTC' : 'WebRTC (connecting…)';
    case 'socket':
      return status.fallbackReason ? `WebSocket (WebRTC unavailable: ${status.fallbackReason})` : 'WebSocket';
  }
}

const iceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
const readyWithIce = z.object({
  iceServers: z.array(iceServer).optional(),
  rtc: z.object({ iceServers: z.array(iceServer).optional() }).optional(),
});

/**
 * The ICE servers the server names in `session.ready` (as `iceServers`, or `rtc.iceServers`),
 * else none: on loopback and a LAN host candidates are enough, and no public STUN is asked.
 */
export function iceServersFrom(sessionReady: unknown): RTCIceServer[] {
  const parsed = readyWithIce.safeParse(sessionReady);
  if (!parsed.success) return [];
  return parsed.data.iceServers ?? parsed.data.rtc?.iceServers ?? [];
}

/** The address bar for a conversation: `conversation` set, every other parameter kept. */
export function talkSearch(search: string, conversationId: string): string {
  const params = new URLSearchParams(search);
  params.delete('conversation');
  const rest = params.toString();
  return `?conversation=${conversationId}${rest ? `&${rest}` : ''}`;
}
