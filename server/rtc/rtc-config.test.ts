import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }, '/app');

describe('WebRTC configuration', () => {
  it('is on by default, with no ICE servers (no public STUN), any UDP port and no announced address', () => {
    expect(load({}).rtc).toEqual({ enabled: true, iceServers: [], udpPorts: undefined, announcedAddress: undefined });
    expect(load({ RTC_ENABLED: 'false' }).rtc.enabled).toBe(false);
  });

  it('takes a UDP port range and an announced IPv4 address', () => {
    const { rtc } = load({ RTC_UDP_PORTS: '40000-40199', RTC_ANNOUNCED_ADDRESS: '203.0.113.7' });
    expect(rtc.udpPorts).toEqual([40000, 40199]);
    expect(rtc.announcedAddress).toBe('203.0.113.7');
  });

  it('refuses a bad range or address, naming the variable and the form', () => {
    expect(() => load({ RTC_UDP_PORTS: '40100-40000' })).toThrow(/RTC_UDP_PORTS="40100-40000": must be a range of UDP ports, low-high/);
    expect(() => load({ RTC_UDP_PORTS: '80-90' })).toThrow(/ports 1024-65535/);
    expect(() => load({ RTC_ANNOUNCED_ADDRESS: 'parley.example.com' })).toThrow(/RTC_ANNOUNCED_ADDRESS=.*must be the IPv4 address/);
  });

  it('takes STUN and TURN servers, TURN only with its credentials, which are never repeated', () => {
    const { rtc } = load({ RTC_ICE_SERVERS: 'stun:stun.example.com:3478, turn:turn.example.com:3478?transport=udp', RTC_TURN_USERNAME: 'parley', RTC_TURN_CREDENTIAL: 'very-secret-credential' });
    expect(rtc.iceServers).toEqual([
      { urls: ['stun:stun.example.com:3478'] },
      { urls: ['turn:turn.example.com:3478?transport=udp'], username: 'parley', credential: 'very-secret-credential' },
    ]);
    expect(() => load({ RTC_ICE_SERVERS: 'turn:turn.example.com' })).toThrow(/RTC_TURN_USERNAME.*is required when RTC_ICE_SERVERS names a turn: server/);
    expect(() => load({ RTC_ICE_SERVERS: 'http://stun.example.com' })).toThrow(/stun:, turn: or turns: URLs.*; "http:\/\/stun.example.com" is not one/);
    try {
      load({ RTC_ICE_SERVERS: 'turn:turn.example.com', RTC_TURN_CREDENTIAL: 'very-secret-credential' });
    } catch (error) {
      expect((error as Error).message).not.toContain('very-secret-credential');
    }
  });
});
