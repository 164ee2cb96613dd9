import { describe, expect, it } from 'vitest';
import { defaultMaxSessions, EMBEDDED_SESSIONS_PER_CORE } from './capacity';
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

  it('takes MAX_SESSIONS, or derives the capacity from the cores present and where recognition runs', () => {
    expect(loadConfig({ MAX_SESSIONS: '4' }).maxSessions).toBe(4);
    expect(() => loadConfig({ MAX_SESSIONS: '0' })).toThrow(/MAX_SESSIONS="0": must be at least 1/);
    expect(() => loadConfig({ MAX_SESSIONS: 'lots' })).toThrow(/MAX_SESSIONS="lots": must be a number of voice sessions/);
    expect(loadConfig({}).maxSessions).toBe(defaultMaxSessions('pocketsphinx'));
    expect(defaultMaxSessions('pocketsphinx', 2)).toBe(2 * EMBEDDED_SESSIONS_PER_CORE);
    expect(defaultMaxSessions('deepgram', 2)).toBeGreaterThan(defaultMaxSessions('pocketsphinx', 2));
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

  describe('turn-taking on server-cut audio', () => {
    it('defaults to Silero, 200 / 700 ms of silence, and a 120 ms barge-in minimum', () => {
      expect(loadConfig({}).turns).toEqual({
        vad: 'silero',
        endpointing: { startSpeechMs: 60, completeSilenceMs: 200, incompleteSilenceMs: 700, preRollMs: 200 },
        bargeIn: { minSpeechMs: 120, minWords: 0, echoMarginDb: 12 },
      });
    });

    it('takes each setting, and refuses values out of range naming the variable', () => {
      const config = loadConfig({ VAD: 'webrtc', ENDPOINT_COMPLETE_SILENCE_MS: '300', ENDPOINT_INCOMPLETE_SILENCE_MS: '900', BARGE_IN_MIN_WORDS: '2' });
      expect(config.turns.vad).toBe('webrtc');
      expect(config.turns.endpointing).toMatchObject({ completeSilenceMs: 300, incompleteSilenceMs: 900 });
      expect(config.turns.bargeIn.minWords).toBe(2);
      expect(() => loadConfig({ VAD: 'energy' })).toThrow(/VAD="energy": must be silero .* or webrtc/);
      expect(() => loadConfig({ ENDPOINT_COMPLETE_SILENCE_MS: '20' })).toThrow(/ENDPOINT_COMPLETE_SILENCE_MS="20": must be between 60 and 5000 milliseconds/);
      expect(() => loadConfig({ BARGE_IN_MIN_SPEECH_MS: 'soon' })).toThrow(/BARGE_IN_MIN_SPEECH_MS="soon": must be a number of milliseconds/);
      expect(() => loadConfig({ ENDPOINT_COMPLETE_SILENCE_MS: '800', ENDPOINT_INCOMPLETE_SILENCE_MS: '700' })).toThrow(
        /ENDPOINT_INCOMPLETE_SILENCE_MS="700": must be at least ENDPOINT_COMPLETE_SILENCE_MS \(800\)/,
      );
    });
  });

  describe('LOG_LEVEL', () => {
    it('is info unless set to one of pino\'s levels', () => {
      expect(loadConfig({}).logLevel).toBe('info');
      expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
      expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL="verbose": must be one of fatal, error, warn, info, debug, trace, silent');
    });
  });

  describe('RECORDING_RETENTION_DAYS', () => {
    it('keeps recordings until deleted unless set to a whole number of days', () => {
      expect(loadConfig({}).recordingRetentionDays).toBeUndefined();
      expect(loadConfig({ RECORDING_RETENTION_DAYS: '30' }).recordingRetentionDays).toBe(30);
      expect(() => loadConfig({ RECORDING_RETENTION_DAYS: 'a month' })).toThrow('RECORDING_RETENTION_DAYS="a month": must be a number of days');
      expect(() => loadConfig({ RECORDING_RETENTION_DAYS: '0' })).toThrow('RECORDING_RETENTION_DAYS="0": must be at least 1');
      expect(() => loadConfig({ RECORDING_RETENTION_DAYS: '1.5' })).toThrow('RECORDING_RETENTION_DAYS="1.5": must be a whole number');
      expect(() => loadConfig({ RECORDING_RETENTION_DAYS: '99999' })).toThrow(/must be at most 36500/);
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

describe('model providers', () => {
  const KEY = 'sk-live-abcdefghijklmnopqrstuvwxyz';

  it('defaults to the embedded engines', () => {
    expect(loadConfig({}).providers).toEqual({ agent: { kind: 'builtin' }, stt: { kind: 'pocketsphinx' }, tts: { kind: 'flite' }, fliteVoice: 'kal16' });
  });

  it('takes any Chat Completions server as the agent, key optional away from OpenAI', () => {
    expect(loadConfig({ AGENT_PROVIDER: 'openai', AGENT_BASE_URL: 'http://localhost:11434/v1/', AGENT_MODEL: 'llama3.2' }).providers.agent).toEqual({
      kind: 'openai',
      baseUrl: 'http://localhost:11434/v1',
      model: 'llama3.2',
      apiKey: undefined,
      systemPrompt: undefined,
    });
    expect(loadConfig({ AGENT_PROVIDER: 'openai', AGENT_MODEL: 'gpt-4o-mini', AGENT_API_KEY: KEY, AGENT_SYSTEM_PROMPT: ' Be brief. ' }).providers.agent).toEqual({
      kind: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      apiKey: KEY,
      systemPrompt: 'Be brief.',
    });
  });

  it('says what an LLM agent is missing', () => {
    expect(() => loadConfig({ AGENT_PROVIDER: 'openai', AGENT_BASE_URL: 'http://localhost:11434/v1' })).toThrow(/AGENT_MODEL="": is required when AGENT_PROVIDER=openai: the model name on that server, e.g. llama3.2/);
    expect(() => loadConfig({ AGENT_PROVIDER: 'openai', AGENT_MODEL: 'gpt-4o-mini' })).toThrow(/AGENT_API_KEY="": is required for OpenAI \(https:\/\/api\.openai\.com\/v1\); or set AGENT_BASE_URL/);
    expect(() => loadConfig({ AGENT_PROVIDER: 'ollama' })).toThrow(/AGENT_PROVIDER="ollama": must be builtin \(the embedded agent\) or openai/);
    expect(() => loadConfig({ AGENT_PROVIDER: 'openai', AGENT_MODEL: 'm', AGENT_BASE_URL: 'localhost:11434' })).toThrow(/AGENT_BASE_URL="localhost:11434": must be the http\(s\) URL of the server's API, e.g. http:\/\/localhost:11434\/v1/);
  });

  it('takes a Whisper-style server or Deepgram for recognition', () => {
    expect(loadConfig({ STT_PROVIDER: 'openai', STT_BASE_URL: 'http://localhost:8000/v1', STT_MODEL: 'Systran/faster-whisper-small', STT_PARTIALS: 'pocketsphinx' }).providers.stt).toEqual({
      kind: 'openai',
      baseUrl: 'http://localhost:8000/v1',
      model: 'Systran/faster-whisper-small',
      apiKey: undefined,
      partials: true,
    });
    expect(loadConfig({ STT_PROVIDER: 'openai', STT_API_KEY: KEY }).providers.stt).toMatchObject({ baseUrl: 'https://api.openai.com/v1', model: 'whisper-1', partials: false });
    expect(loadConfig({ STT_PROVIDER: 'deepgram', STT_API_KEY: KEY }).providers.stt).toEqual({ kind: 'deepgram', baseUrl: 'wss://api.deepgram.com/v1/listen', model: 'nova-3', apiKey: KEY });
    expect(() => loadConfig({ STT_PROVIDER: 'deepgram' })).toThrow(/STT_API_KEY="": is required when STT_PROVIDER=deepgram/);
    expect(() => loadConfig({ STT_PROVIDER: 'deepgram', STT_API_KEY: KEY, STT_BASE_URL: 'https://api.deepgram.com' })).toThrow(/STT_BASE_URL="https:\/\/api.deepgram.com": must be the ws\(s\) URL of Deepgram's live API/);
    expect(() => loadConfig({ STT_PROVIDER: 'openai' })).toThrow(/STT_API_KEY="": is required for OpenAI/);
  });

  it('takes an OpenAI-style speech server for the voice', () => {
    expect(loadConfig({ TTS_PROVIDER: 'openai', TTS_BASE_URL: 'http://localhost:8880/v1', TTS_MODEL: 'kokoro', TTS_VOICE: 'af_heart' }).providers.tts).toEqual({
      kind: 'openai',
      baseUrl: 'http://localhost:8880/v1',
      model: 'kokoro',
      voice: 'af_heart',
      apiKey: undefined,
    });
    expect(loadConfig({ TTS_PROVIDER: 'openai', TTS_API_KEY: KEY }).providers.tts).toMatchObject({ model: 'tts-1', voice: 'alloy' });
  });

  it('never repeats a key or the password of a URL in its messages', () => {
    let message = '';
    try {
      loadConfig({ AGENT_PROVIDER: 'openai', AGENT_API_KEY: KEY, TTS_API_KEY: KEY, STT_PROVIDER: 'deepgram', STT_API_KEY: KEY, STT_BASE_URL: 'nope', AGENT_BASE_URL: 'ftp://user:hunter2@example.com', DATABASE_URL: 'mysql://u:hunter2@db' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/AGENT_BASE_URL="ftp:\/\/…@example.com"/);
    expect(message).not.toContain(KEY);
    expect(message).not.toContain('hunter2');
    expect(() => loadConfig({ AUTH_SECRET: 'short-secret' })).toThrow(/AUTH_SECRET=<12 characters, not shown>: must be at least 32/);
  });
});
