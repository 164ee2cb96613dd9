import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives a working embedded default with no variables at all', () => {
    const config = loadConfig({}, '/srv/parley');
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      dataDir: '/srv/parley/data',
      databaseUrl: undefined,
      env: 'production',
    });
  });

  it('names the variable and the expected form when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty": must be a TCP port number/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL=.*PostgreSQL URL/);
    expect(() => loadConfig({ AUTH_SECRET: 'short' })).toThrow(/AUTH_SECRET=.*at least 32/);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: '0', PUBLIC_URL: 'ftp://x' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toMatch(/PORT=/);
      expect(String(error)).toMatch(/PUBLIC_URL=/);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });
  describe('TRUST_PROXY', () => {
    it('trusts no proxy by default: the connecting address is the client', () => {
      expect(loadConfig({}).trustProxy).toEqual({ hops: 0 });
      expect(loadConfig({ TRUST_PROXY: '' }).trustProxy).toEqual({ hops: 0 });
    });

    it('takes a number of proxies in front of the server', () => {
      expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
      expect(loadConfig({ TRUST_PROXY: ' 2 ' }).trustProxy).toEqual({ hops: 2 });
      expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toEqual({ hops: 0 });
    });

    it('takes a comma-separated list of proxy addresses and CIDR ranges', () => {
      expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).trustProxy).toEqual({ addresses: ['10.0.0.0/8', '127.0.0.1'] });
      expect(loadConfig({ TRUST_PROXY: ' 192.0.2.10 , fd00::/8, ::1 ' }).trustProxy).toEqual({ addresses: ['192.0.2.10', 'fd00::/8', '::1'] });
      expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toEqual({ addresses: ['loopback'] });
    });

    it('refuses anything else, naming the variable, the bad entry and both accepted forms', () => {
      const bad = ['true', '-1', '1.5', 'proxy.example.com', '10.0.0.0/33', '10.0.0.0/0', '::/0', '10.0.0.1,', '10.0.0.1,,127.0.0.1', '300.1.1.1', '10.0.0.0/8 127.0.0.1'];
      for (const value of bad) {
        expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(ConfigError);
        expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(
          `TRUST_PROXY=${JSON.stringify(value)}: must be the number of proxies in front of Parley (e.g. 1) or a comma-separated list of their addresses or CIDR ranges (e.g. 10.0.0.0/8,127.0.0.1)`,
        );
      }
      expect(() => loadConfig({ TRUST_PROXY: 'proxy.example.com' })).toThrow(/"proxy\.example\.com" is not an IP address or CIDR range/);
      expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1,,127.0.0.1' })).toThrow(/an empty entry/);
      expect(() => loadConfig({ TRUST_PROXY: '-1' })).toThrow(/"-1" is not/);
    });
  });

  describe('LOG_LEVEL', () => {
    it('is info unless set to one of pino\'s levels', () => {
      expect(loadConfig({}).logLevel).toBe('info');
      expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
      expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace, silent');
    });
  });

  describe('METRICS_TOKEN', () => {
    it('is unset by default: there is no /metrics', () => {
      expect(loadConfig({}).metricsToken).toBeUndefined();
      expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    });

    it('refuses a short or spaced token without repeating it', () => {
      expect(() => loadConfig({ METRICS_TOKEN: 'hunter2' })).toThrow('METRICS_TOKEN=<7 characters, not shown>: must be at least 16 characters');
      expect(() => loadConfig({ METRICS_TOKEN: 'a token with spaces in it' })).toThrow(/METRICS_TOKEN=<25 characters, not shown>: must be printable ASCII without spaces/);
      expect(() => loadConfig({ METRICS_TOKEN: 'hunter2' })).not.toThrow(/hunter2/);
    });

    it('keeps other secrets out of the message too', () => {
      expect(() => loadConfig({ AUTH_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
      expect(() => loadConfig({ DATABASE_URL: 'mysql://user:pa55word@db/x' })).not.toThrow(/pa55word/);
    });
  });
});
