import { describe, expect, it } from 'vitest';
import { iceServersFrom, talkSearch, transportFromQuery, transportLabel } from './transport';

describe('transportFromQuery', () => {
  it('is WebRTC unless the socket is asked for', () => {
    expect(transportFromQuery(undefined)).toBe('webrtc');
    expect(transportFromQuery('webrtc')).toBe('webrtc');
    expect(transportFromQuery('nonsense')).toBe('webrtc');
    expect(transportFromQuery('socket')).toBe('socket');
    expect(transportFromQuery(['socket', 'webrtc'])).toBe('socket');
  });
});

describe('iceServersFrom', () => {
  const ready = { type: 'session.ready', protocol: 1, conversationId: 'c', audio: {} };
  it('is none when the server names none (no public STUN)', () => {
    expect(iceServersFrom(ready)).toEqual([]);
    expect(iceServersFrom(null)).toEqual([]);
  });
  it('takes what the server names, at the top or under rtc', () => {
    const servers = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:t.example.org'], username: 'u', credential: 'p' }];
    expect(iceServersFrom({ ...ready, iceServers: servers })).toEqual(servers);
    expect(iceServersFrom({ ...ready, rtc: { iceServers: servers } })).toEqual(servers);
  });
  it('ignores a malformed list rather than failing', () => {
    expect(iceServersFrom({ ...ready, iceServers: [{ url: 3 }] })).toEqual([]);
  });
});

describe('talkSearch', () => {
  it('sets the conversation and keeps the rest', () => {
    expect(talkSearch('', 'c1')).toBe('?conversation=c1');
    expect(talkSearch('?transport=socket', 'c1')).toBe('?conversation=c1&transport=socket');
    expect(talkSearch('?conversation=old&transport=socket', 'c1')).toBe('?conversation=c1&transport=socket');
  });
});

describe('transportLabel', () => {
  it('says which path and why', () => {
    expect(transportLabel({ kind: 'webrtc', phase: 'connected' })).toBe('WebRTC');
    expect(transportLabel({ kind: 'socket', fallbackReason: null })).toBe('WebSocket');
    expect(transportLabel({ kind: 'socket', fallbackReason: 'it did not connect within 6 s' })).toContain('did not connect');
  });
});
