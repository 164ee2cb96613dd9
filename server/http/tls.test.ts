/** The built-in HTTPS certificate: from PEM files (checked), or generated once and kept. */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config';
import { loadTls } from './tls';

const temporary = () => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));

describe('loadTls', () => {
  it('generates a self-signed certificate for localhost, loopback and PUBLIC_URL\'s host, keeps it, and reuses it', async () => {
    const dataDir = temporary();
    const first = await loadTls({ kind: 'self-signed' }, { dataDir, publicUrl: 'https://192.168.1.20:3000' });
    const x509 = new X509Certificate(first.cert);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('192.168.1.20')).toBe('192.168.1.20');
    expect(first.source).toMatch(/generated now/);
    const keyFile = path.join(dataDir, 'tls', 'self-signed-key.pem');
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);

    const again = await loadTls({ kind: 'self-signed' }, { dataDir, publicUrl: 'https://192.168.1.20:3000' });
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.source).not.toMatch(/generated now/);

    // Another host in PUBLIC_URL: the kept one does not name it, so a new one is made.
    const moved = await loadTls({ kind: 'self-signed' }, { dataDir, publicUrl: 'https://parley.lan' });
    expect(moved.fingerprint).not.toBe(first.fingerprint);
    expect(new X509Certificate(moved.cert).checkHost('parley.lan')).toBe('parley.lan');
  });

  it('uses PEM files, and says which one is wrong', async () => {
    const made = await loadTls({ kind: 'self-signed' }, { dataDir: temporary(), publicUrl: 'https://localhost' });
    const other = await loadTls({ kind: 'self-signed' }, { dataDir: temporary(), publicUrl: 'https://localhost' });
    const dir = temporary();
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const cert = write('cert.pem', made.cert);
    const key = write('key.pem', made.key);
    expect((await loadTls({ kind: 'files', certFile: cert, keyFile: key }, { dataDir: dir, publicUrl: 'https://localhost' })).fingerprint).toBe(made.fingerprint);

    const notPem = write('junk.pem', 'hello');
    await expect(loadTls({ kind: 'files', certFile: notPem, keyFile: key }, { dataDir: dir, publicUrl: 'https://localhost' })).rejects.toThrow(/TLS_CERT=.*is not a PEM certificate/);
    await expect(loadTls({ kind: 'files', certFile: cert, keyFile: notPem }, { dataDir: dir, publicUrl: 'https://localhost' })).rejects.toThrow(/TLS_KEY=.*is not an unencrypted PEM private key/);
    const wrongKey = write('other-key.pem', other.key);
    await expect(loadTls({ kind: 'files', certFile: cert, keyFile: wrongKey }, { dataDir: dir, publicUrl: 'https://localhost' })).rejects.toThrow(ConfigError);
    await expect(loadTls({ kind: 'files', certFile: cert, keyFile: wrongKey }, { dataDir: dir, publicUrl: 'https://localhost' })).rejects.toThrow(/not the private key of the certificate in TLS_CERT/);
  });
});
