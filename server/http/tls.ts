/**
 * Built-in HTTPS, so that another device can reach Parley (a browser gives the microphone only
 * to localhost or https): a certificate and key from PEM files (TLS_CERT, TLS_KEY), or with
 * TLS=self-signed one generated once and kept in DATA_DIR/tls. The generated one names
 * localhost, the loopback addresses and PUBLIC_URL's host; it is made again when PUBLIC_URL's
 * host changes or it is within 30 days of expiring. Browsers warn about it until it is trusted
 * (or use a reverse proxy with a real certificate: README).
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';
import { ConfigError, type TlsConfig } from '../config';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Where it came from, for the start-up log line. */
  source: string;
  /** SHA-256 fingerprint of the certificate, to compare with what a browser shows. */
  fingerprint: string;
}

const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const VALID_DAYS = 825; // the longest a browser accepts for a server certificate

export async function loadTls(tls: TlsConfig, options: { dataDir: string; publicUrl: string }): Promise<TlsMaterial> {
  if (tls.kind === 'files') return fromFiles(tls.certFile, tls.keyFile);
  return selfSigned(path.join(options.dataDir, 'tls'), new URL(options.publicUrl).hostname.replace(/^\[|\]$/g, ''));
}

function fromFiles(certFile: string, keyFile: string): TlsMaterial {
  const cert = fs.readFileSync(certFile, 'utf8');
  const key = fs.readFileSync(keyFile, 'utf8');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`Invalid configuration:\n  TLS_CERT=${JSON.stringify(certFile)}: is not a PEM certificate (a file starting "-----BEGIN CERTIFICATE-----")`);
  }
  try {
    if (!x509.checkPrivateKey(createPrivateKey(key))) {
      throw new ConfigError(`Invalid configuration:\n  TLS_KEY=${JSON.stringify(keyFile)}: is not the private key of the certificate in TLS_CERT`);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`Invalid configuration:\n  TLS_KEY=${JSON.stringify(keyFile)}: is not an unencrypted PEM private key (a file starting "-----BEGIN PRIVATE KEY-----" or "-----BEGIN RSA/EC PRIVATE KEY-----")`);
  }
  if (Date.parse(x509.validTo) < Date.now()) {
    throw new ConfigError(`Invalid configuration:\n  TLS_CERT=${JSON.stringify(certFile)}: the certificate expired on ${x509.validTo}; renew it`);
  }
  return { cert, key, source: certFile, fingerprint: x509.fingerprint256 };
}

/** The names a generated certificate must cover. */
export function selfSignedNames(publicHost: string): string[] {
  return [...new Set(['localhost', '127.0.0.1', '::1', publicHost])];
}

async function selfSigned(dir: string, publicHost: string): Promise<TlsMaterial> {
  const certFile = path.join(dir, 'self-signed-cert.pem');
  const keyFile = path.join(dir, 'self-signed-key.pem');
  const names = selfSignedNames(publicHost);
  const existing = readExisting(certFile, keyFile);
  if (existing && covers(existing.x509, names) && Date.parse(existing.x509.validTo) - Date.now() > RENEW_BEFORE_MS) {
    return { cert: existing.cert, key: existing.key, source: certFile, fingerprint: existing.x509.fingerprint256 };
  }
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: publicHost }, { name: 'organizationName', value: 'Parley (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALID_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (net.isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The key first, private from the start; then the certificate (its presence marks a complete pair).
  writeAtomically(keyFile, pems.private, 0o600);
  writeAtomically(certFile, pems.cert, 0o644);
  return { cert: pems.cert, key: pems.private, source: `${certFile} (generated now)`, fingerprint: new X509Certificate(pems.cert).fingerprint256 };
}

function readExisting(certFile: string, keyFile: string): { cert: string; key: string; x509: X509Certificate } | null {
  try {
    const cert = fs.readFileSync(certFile, 'utf8');
    const key = fs.readFileSync(keyFile, 'utf8');
    const x509 = new X509Certificate(cert);
    return x509.checkPrivateKey(createPrivateKey(key)) ? { cert, key, x509 } : null;
  } catch {
    return null; // missing or damaged: made again
  }
}

function covers(x509: X509Certificate, names: string[]): boolean {
  return names.every((name) => (net.isIP(name) ? x509.checkIP(name) !== undefined : x509.checkHost(name) !== undefined));
}

function writeAtomically(file: string, content: string, mode: number) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode });
  fs.renameSync(temporary, file);
}
