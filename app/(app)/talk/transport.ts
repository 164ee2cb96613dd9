/**
 * Which way the talk page's audio travels, as plain logic: WebRTC by default (the server
 * decides endpointing and barge-in), the socket's PCM path (this page's VAD decides) when asked
 * for with `?transport=socket` or when WebRTC does not connect.
 */
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

/**
 * The ICE servers the server names in `session.ready` (as `iceServers`, or `rtc.iceServers`),
 * else none: on loopback and a LAN host candidates are enough, and no public STUN is asked.
 * (Checked by hand, not with zod: a schema built before lib/contract/messages.ts turns zod's
 * eval probe off would break the page's Content-Security-Policy.)
 */
export function iceServersFrom(sessionReady: unknown): RTCIceServer[] {
  if (!isRecord(sessionReady)) return [];
  const list = sessionReady.iceServers ?? (isRecord(sessionReady.rtc) ? sessionReady.rtc.iceServers : undefined);
  return Array.isArray(list) && list.every(isIceServer) ? list : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIceServer(value: unknown): value is RTCIceServer {
  if (!isRecord(value)) return false;
  const { urls, username, credential } = value;
  const urlsOk = typeof urls === 'string' || (Array.isArray(urls) && urls.length > 0 && urls.every((u) => typeof u === 'string'));
  return urlsOk && (username === undefined || typeof username === 'string') && (credential === undefined || typeof credential === 'string');
}

/** The address bar for a conversation: `conversation` set, every other parameter kept. */
export function talkSearch(search: string, conversationId: string): string {
  const params = new URLSearchParams(search);
  params.delete('conversation');
  const rest = params.toString();
  return `?conversation=${conversationId}${rest ? `&${rest}` : ''}`;
}
