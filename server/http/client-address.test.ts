import type { IncomingMessage } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config';
import { CLIENT_ADDRESS_HEADER, clientAddress, compileTrust, createClientAddressStamp } from './client-address';

/** What the code reads of a request: the peer's address and the headers. */
function req(peer: string | undefined, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: { ...headers } } as unknown as IncomingMessage;
}

const trust = (value: string | undefined) => compileTrust(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy);

describe('clientAddress', () => {
  it('is the peer, whatever X-Forwarded-For says, when no proxy is trusted', () => {
    expect(clientAddress(req('192.0.2.1', { 'x-forwarded-for': '203.0.113.9' }), trust(undefined))).toBe('192.0.2.1');
    expect(clientAddress(req('192.0.2.1', { 'x-forwarded-for': '203.0.113.9, 198.51.100.1' }), trust('0'))).toBe('192.0.2.1');
  });

  it('with one trusted hop, is the right-most entry, ignoring what the client wrote to its left', () => {
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' }), trust('1'))).toBe('203.0.113.9');
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '203.0.113.9' }), trust('1'))).toBe('203.0.113.9');
    expect(clientAddress(req('10.0.0.2'), trust('1'))).toBe('10.0.0.2');
  });

  it('with two trusted hops, skips both proxies', () => {
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.0.0.3' }), trust('2'))).toBe('203.0.113.9');
  });

  it('with a list, skips only the listed proxies and believes nothing from any other peer', () => {
    const listed = trust('10.0.0.0/8,127.0.0.1');
    expect(clientAddress(req('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.1.2.3' }), listed)).toBe('203.0.113.9');
    expect(clientAddress(req('192.0.2.1', { 'x-forwarded-for': '203.0.113.9' }), listed)).toBe('192.0.2.1');
    expect(clientAddress(req('::ffff:127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), listed)).toBe('203.0.113.9');
    expect(clientAddress(req('::1', { 'x-forwarded-for': '2001:db8::5' }), trust('loopback'))).toBe('2001:db8::5');
  });

  it('counts the relaying hop when the entry beyond it is not an address', () => {
    expect(clientAddress(req('10.0.0.2', { 'x-forwarded-for': 'not-an-address' }), trust('1'))).toBe('10.0.0.2');
    expect(clientAddress(req('127.0.0.1', { 'x-forwarded-for': 'junk, 10.1.2.3' }), trust('10.0.0.0/8,127.0.0.1'))).toBe('10.1.2.3');
  });

  it('is undefined once the connection is gone', () => {
    expect(clientAddress(req(undefined, { 'x-forwarded-for': '203.0.113.9' }), trust('1'))).toBeUndefined();
  });
});

describe('createClientAddressStamp', () => {
  it('overwrites a client-sent copy of the header, and drops it when there is no address', () => {
    const stamp = createClientAddressStamp({ hops: 0 }, () => {});
    const request = req('192.0.2.1', { [CLIENT_ADDRESS_HEADER]: '203.0.113.9' });
    stamp(request);
    expect(request.headers[CLIENT_ADDRESS_HEADER]).toBe('192.0.2.1');
    const gone = req(undefined, { [CLIENT_ADDRESS_HEADER]: '203.0.113.9' });
    stamp(gone);
    expect(gone.headers[CLIENT_ADDRESS_HEADER]).toBeUndefined();
  });

  it('warns once that X-Forwarded-For is ignored while TRUST_PROXY is unset, and never when it is set', () => {
    const warn = vi.fn();
    const stamp = createClientAddressStamp({ hops: 0 }, warn);
    stamp(req('192.0.2.1'));
    expect(warn).not.toHaveBeenCalled();
    stamp(req('192.0.2.1', { 'x-forwarded-for': '203.0.113.9' }));
    stamp(req('192.0.2.1', { 'x-forwarded-for': '203.0.113.9' }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/TRUST_PROXY/);

    const quiet = vi.fn();
    createClientAddressStamp({ hops: 1 }, quiet)(req('10.0.0.2', { 'x-forwarded-for': '203.0.113.9' }));
    createClientAddressStamp({ addresses: ['10.0.0.0/8'] }, quiet)(req('10.0.0.2', { 'x-forwarded-for': '203.0.113.9' }));
    expect(quiet).not.toHaveBeenCalled();
  });
});

it('every list TRUST_PROXY accepts compiles', () => {
  for (const value of ['10.0.0.0/8,127.0.0.1', '192.0.2.10, fd00::/8, ::1', 'loopback,uniquelocal,linklocal', '::ffff:10.0.0.1/128', '0.0.0.0/1', '10.0.0.1/08']) {
    expect(() => trust(value), value).not.toThrow();
  }
});
