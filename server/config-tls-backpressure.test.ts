/** HTTPS and backpressure settings: validated, with errors that say what to set. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-config-tls-'));
const pem = path.join(dir, 'cert.pem');
fs.writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n');

describe('TLS settings', () => {
  it('is plain HTTP by default', () => {
    expect(loadConfig({}).tls).toBeUndefined();
  });

  it('TLS=self-signed serves https, and PUBLIC_URL defaults to https', () => {
    const config = loadConfig({ TLS: 'self-signed', PORT: '8443' });
    expect(config.tls).toEqual({ kind: 'self-signed' });
    expect(config.publicUrl).toBe('https://localhost:8443');
  });

  it('TLS_CERT and TLS_KEY name readable files, resolved from the app folder', () => {
    const config = loadConfig({ TLS_CERT: 'cert.pem', TLS_KEY: pem, PUBLIC_URL: 'https://parley.example.com' }, dir);
    expect(config.tls).toEqual({ kind: 'files', certFile: pem, keyFile: pem });
  });

  it('says what is wrong with each', () => {
    expect(() => loadConfig({ TLS: 'yes' })).toThrow(/TLS="yes": must be self-signed/);
    expect(() => loadConfig({ TLS_CERT: pem })).toThrow(/TLS_KEY="": is required with TLS_CERT/);
    expect(() => loadConfig({ TLS_KEY: pem })).toThrow(/TLS_CERT="": is required with TLS_KEY/);
    expect(() => loadConfig({ TLS_CERT: '/nonexistent/cert.pem', TLS_KEY: pem })).toThrow(/TLS_CERT="\/nonexistent\/cert.pem": must be the path of a readable PEM file/);
    expect(() => loadConfig({ TLS_CERT: dir, TLS_KEY: pem })).toThrow(/TLS_CERT=.*readable PEM file/);
    expect(() => loadConfig({ TLS: 'self-signed', TLS_CERT: pem, TLS_KEY: pem })).toThrow(/not both/);
    expect(() => loadConfig({ TLS: 'self-signed', PUBLIC_URL: 'http://parley.lan:3000' })).toThrow(/PUBLIC_URL="http:\/\/parley.lan:3000": must be an https URL .* e.g. https:\/\/parley.lan:3000/);
  });
});

describe('backpressure settings', () => {
  it('has defaults', () => {
    expect(loadConfig({}).backpressure).toEqual({ holdBytes: 65536, dropBytes: 1048576, dropAfterMs: 5000 });
  });

  it('takes numbers and wants the drop bound above the hold bound', () => {
    expect(loadConfig({ BACKPRESSURE_HOLD_BYTES: '1000', BACKPRESSURE_DROP_BYTES: '2000', BACKPRESSURE_DROP_AFTER_MS: '300' }).backpressure).toEqual({ holdBytes: 1000, dropBytes: 2000, dropAfterMs: 300 });
    expect(() => loadConfig({ BACKPRESSURE_HOLD_BYTES: 'lots' })).toThrow(/BACKPRESSURE_HOLD_BYTES="lots": must be a number of bytes/);
    expect(() => loadConfig({ BACKPRESSURE_HOLD_BYTES: '5000', BACKPRESSURE_DROP_BYTES: '5000' })).toThrow(ConfigError);
    expect(() => loadConfig({ BACKPRESSURE_HOLD_BYTES: '5000', BACKPRESSURE_DROP_BYTES: '5000' })).toThrow(/BACKPRESSURE_DROP_BYTES="5000": must be more than BACKPRESSURE_HOLD_BYTES \(5000\)/);
  });
});
