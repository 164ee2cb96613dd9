/**
 * The microphone picker's logic: which input to open, remembered per browser, following
 * devices that come and go. No DOM here; talk.tsx and voice-client.ts do the calls.
 */

export const MICROPHONE_STORAGE_KEY = 'parley.microphone';

export interface Microphone {
  deviceId: string;
  label: string;
}

/** The audio inputs among `enumerateDevices()`' answer, each with a name a person can read. */
export function microphonesFrom(devices: Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[]): Microphone[] {
  const inputs = devices.filter((d) => d.kind === 'audioinput' && d.deviceId);
  return inputs.map((d, i) => ({ deviceId: d.deviceId, label: d.label || (d.deviceId === 'default' ? 'Default microphone' : `Microphone ${i + 1}`) }));
}

/**
 * The input to open: the remembered one while it is plugged in, else the browser's default
 * (undefined: no constraint). A device that is gone is not forgotten: it is used again when it returns.
 */
export function chooseMicrophone(microphones: Microphone[], remembered: string | null): string | undefined {
  if (remembered && microphones.some((m) => m.deviceId === remembered)) return remembered;
  return undefined;
}

/**
 * After a `devicechange`: the input to switch to, or null to keep the open one. The open one
 * is kept while it is still there, unless the remembered one (re)appeared.
 */
export function microphoneAfterChange(microphones: Microphone[], remembered: string | null, open: string | undefined): string | undefined | null {
  const wanted = chooseMicrophone(microphones, remembered);
  if (wanted !== undefined) return wanted === open ? null : wanted;
  if (open === undefined) return null;
  return microphones.some((m) => m.deviceId === open) ? null : undefined;
}
