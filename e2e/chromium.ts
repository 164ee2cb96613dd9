/** Debian's Chromium as Playwright's browser, with the flags that work offline on loopback. */
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
];

/** Where e2e/global-setup.ts writes the synthesised speech used as fake microphones. */
export const FAKE_MIC_DIR = path.resolve(import.meta.dirname, '..', 'test-results', 'fake-mic');

export function withFakeMicrophone(file: string) {
  return {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${path.join(FAKE_MIC_DIR, file)}%noloop`],
  };
}
