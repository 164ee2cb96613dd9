import { describe, expect, it } from 'vitest';
import type { StoredTurn } from '../store/history';
import { escapeMarkdown, exportConversation, fileStem, toMarkdown, type ConversationDetail } from './export';

const turn = (position: number, role: 'user' | 'agent', text: string, startedAt: string, extra: Partial<StoredTurn> = {}): StoredTurn => ({
  id: `00000000-0000-4000-8000-00000000000${position}`,
  position,
  role,
  utteranceId: `u${position}`,
  text,
  interrupted: false,
  startedAt: new Date(startedAt),
  endedAt: new Date(Date.parse(startedAt) + 1000),
  replyTo: role === 'agent' ? [`00000000-0000-4000-8000-00000000000${position - 1}`] : null,
  sttLatencyMs: null,
  agentLatencyMs: null,
  ttsLatencyMs: null,
  voiceToVoiceMs: null,
  sttProvider: null,
  agentProvider: null,
  ttsProvider: null,
  audio: null,
  ...extra,
});

const detail: ConversationDetail = {
  conversation: {
    id: '11111111-1111-4111-8111-111111111111',
    title: 'what can you do',
    createdAt: new Date('2025-01-31T09:30:00.000Z'),
    updatedAt: new Date('2025-02-01T08:00:03.000Z'),
    turnCount: 4,
    durationMs: 81_000_000,
    preview: 'what can you do',
  },
  turns: [
    turn(0, 'user', 'what can you do', '2025-01-31T09:30:01Z'),
    turn(1, 'agent', 'I can do arithmetic, like 2*3 = 6, and tell the time', '2025-01-31T09:30:03Z', { interrupted: true }),
    turn(2, 'user', 'what is <b>bold</b> and _this_', '2025-02-01T08:00:00Z'),
    turn(3, 'agent', '', '2025-02-01T08:00:02Z', { interrupted: true }),
  ],
};

describe('the Markdown export', () => {
  it('has the title, the date, and each turn with its time, interrupted ones marked', () => {
    expect(toMarkdown(detail)).toBe(
      [
        '# what can you do',
        '',
        '2025-01-31 09:30:00 UTC · 4 turns · 22 h 30 min',
        '',
        '**You** (09:30:01): what can you do',
        '',
        '**Parley** (09:30:03): I can do arithmetic, like 2\\*3 = 6, and tell the time *(interrupted)*',
        '',
        '**You** (2025-02-01 08:00:00): what is \\<b\\>bold\\</b\\> and \\_this\\_',
        '',
        '**Parley** (2025-02-01 08:00:02): *(nothing heard)* *(interrupted)*',
        '',
      ].join('\n'),
    );
  });

  it('shows text as said, whatever Markdown would make of it', () => {
    expect(escapeMarkdown('a *b* _c_ `d` [e](f) <g> h|i ~j~ &amp; \\ #')).toBe('a \\*b\\* \\_c\\_ \\`d\\` \\[e\\](f) \\<g\\> h\\|i \\~j\\~ \\&amp; \\\\ \\#');
    expect(toMarkdown({ ...detail, conversation: { ...detail.conversation, title: null } })).toMatch(/^# Untitled conversation\n/);
  });
});

describe('the JSON export', () => {
  it('is the detail with a version, under an ASCII file name', () => {
    const file = exportConversation(detail, 'json', new Date('2025-03-01T00:00:00Z'));
    expect(file.filename).toBe('parley-2025-01-31-what-can-you-do.json');
    expect(file.contentType).toBe('application/json; charset=utf-8');
    expect(JSON.parse(file.body)).toEqual(JSON.parse(JSON.stringify({ exportVersion: 1, exportedAt: '2025-03-01T00:00:00.000Z', ...detail })));
  });
});

describe('recordings in the export', () => {
  const ogg = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 2, 255]);
  const withAudio: ConversationDetail = {
    ...detail,
    turns: [turn(0, 'user', 'what can you do', '2025-01-31T09:30:01Z', { audio: { mimeType: 'audio/ogg; codecs=opus', durationMs: 1460 } }), ...detail.turns.slice(1)],
  };

  it('the JSON carries each kept recording as base64 beside its type and length', () => {
    const file = exportConversation(withAudio, 'json', new Date(), new Map([[withAudio.turns[0].id, { mimeType: 'audio/ogg; codecs=opus', durationMs: 1460, audio: ogg }]]));
    const turns = JSON.parse(file.body).turns;
    expect(turns[0].audio).toEqual({ mimeType: 'audio/ogg; codecs=opus', durationMs: 1460, data: Buffer.from(ogg).toString('base64') });
    expect(turns[1].audio).toBeNull();
  });

  it('the Markdown says which turns have one', () => {
    const markdown = toMarkdown(withAudio);
    expect(markdown).toContain('**You** (09:30:01): what can you do *(recording kept: 1.5 s, in the JSON export)*');
    expect(markdown.match(/recording kept/g)).toHaveLength(1);
  });
});

describe('file names', () => {
  it('keep letters and digits of the title, and the start date', () => {
    const createdAt = new Date('2025-01-31T23:59:59Z');
    expect(fileStem({ title: 'Crème brûlée — "recipe" / 2 ', createdAt })).toBe('parley-2025-01-31-creme-brulee-recipe-2');
    expect(fileStem({ title: '日本語', createdAt })).toBe('parley-2025-01-31');
    expect(fileStem({ title: null, createdAt })).toBe('parley-2025-01-31');
    expect(fileStem({ title: 'x'.repeat(200), createdAt })).toBe(`parley-2025-01-31-${'x'.repeat(60)}`);
    expect(exportConversation(detail, 'markdown').filename).toBe('parley-2025-01-31-what-can-you-do.md');
  });
});
