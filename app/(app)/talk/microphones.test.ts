import { describe, expect, it } from 'vitest';
import { chooseMicrophone, microphoneAfterChange, microphonesFrom } from './microphones';

const device = (deviceId: string, label = '', kind: MediaDeviceKind = 'audioinput') => ({ deviceId, label, kind });

describe('microphonesFrom', () => {
  it('lists audio inputs only, named even before permission gives labels', () => {
    const mics = microphonesFrom([device('default'), device('a', 'USB mic'), device('b'), device('s', 'Speakers', 'audiooutput'), device('')]);
    expect(mics).toEqual([
      { deviceId: 'default', label: 'Default microphone' },
      { deviceId: 'a', label: 'USB mic' },
      { deviceId: 'b', label: 'Microphone 3' },
    ]);
  });
});

describe('chooseMicrophone', () => {
  const mics = microphonesFrom([device('a', 'A'), device('b', 'B')]);
  it('opens the remembered one while it is plugged in', () => {
    expect(chooseMicrophone(mics, 'b')).toBe('b');
  });
  it('opens the default one otherwise', () => {
    expect(chooseMicrophone(mics, 'gone')).toBeUndefined();
    expect(chooseMicrophone(mics, null)).toBeUndefined();
  });
});

describe('microphoneAfterChange', () => {
  const both = microphonesFrom([device('a', 'A'), device('b', 'B')]);
  const onlyA = microphonesFrom([device('a', 'A')]);
  it('keeps the open one while nothing relevant changed', () => {
    expect(microphoneAfterChange(both, 'b', 'b')).toBeNull();
    expect(microphoneAfterChange(both, null, undefined)).toBeNull();
    expect(microphoneAfterChange(both, null, 'a')).toBeNull();
  });
  it('goes to the default one when the open one is unplugged', () => {
    expect(microphoneAfterChange(onlyA, 'b', 'b')).toBeUndefined();
  });
  it('goes back to the remembered one when it is plugged in again', () => {
    expect(microphoneAfterChange(both, 'b', undefined)).toBe('b');
    expect(microphoneAfterChange(both, 'b', 'a')).toBe('b');
  });
});
