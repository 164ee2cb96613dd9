import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { domainPhrases } from '../agent/builtin';
import { buildDomainModel, domainModelFor } from './domain-model';
import { mergeDecoderArgs } from './pocketsphinx';

const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-domain-model-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildDomainModel', () => {
  const dictionaryPath = path.join(dir, 'tiny.dict');
  writeFileSync(dictionaryPath, ['what W AH T', 'is IH Z', 'the DH AH', 'time T AY M', 'two T UW', 'two(2) T UW', 'plus P L AH S'].join('\n'));

  it('writes an ARPA model and the extra pronunciations, named by their content', () => {
    const model = buildDomainModel(['what is the time', 'What is two plus two', 'what is the zorblax'], {
      dir,
      dictionaryPath,
      extraPronunciations: { plus: 'P L AH S' },
    });
    const arpa = readFileSync(model.lmPath, 'utf8');
    expect(arpa).toMatch(/^\\data\\\nngram 1=\d+\nngram 2=\d+\nngram 3=\d+\n/);
    expect(arpa).toContain('\tplus\t');
    expect(readFileSync(model.extraDictPath, 'utf8')).toBe('plus P L AH S\n');
    expect(model.vocabulary).toEqual(['is', 'plus', 'the', 'time', 'two', 'what']);
    // No pronunciation anywhere: left out rather than breaking the decoder.
    expect(model.droppedPhrases).toEqual(['what is the zorblax']);

    const again = buildDomainModel(['what is the time', 'What is two plus two'], { dir, dictionaryPath, extraPronunciations: { plus: 'P L AH S' } });
    expect(again.lmPath).toBe(model.lmPath);
    const other = buildDomainModel(['what is the time'], { dir, dictionaryPath });
    expect(other.lmPath).not.toBe(model.lmPath);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("covers every word of the built-in agent's phrases with the Debian dictionary", () => {
    const model = domainModelFor(domainPhrases(), { dir });
    expect(model.droppedPhrases).toEqual([]);
    expect(model.vocabulary.length).toBeGreaterThan(300);
  });
});

describe('mergeDecoderArgs', () => {
  it('lets later flags replace earlier ones instead of repeating them', () => {
    expect(mergeDecoderArgs(['-lw', '8', '--domain-weight', '0.5', '-beam', '1e-50'], ['-beam', '1e-60', '-pbeam', '1e-50'])).toEqual([
      '-lw', '8', '--domain-weight', '0.5', '-beam', '1e-60', '-pbeam', '1e-50',
    ]);
    expect(mergeDecoderArgs([], ['-no-such-flag', '1'])).toEqual(['-no-such-flag', '1']);
    expect(() => mergeDecoderArgs(['8'], [])).toThrow(/expected a flag/);
  });
});
