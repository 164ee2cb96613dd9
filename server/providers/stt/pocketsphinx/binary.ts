/** Where the decoder helper binary is (build/pocketsphinx-decoder, built by build.sh). */
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export function defaultDecoderBinaryPath(): string {
  // Source layout: <root>/server/providers/stt/pocketsphinx/binary.ts. A bundled server
  // lives elsewhere, so fall back to the working directory (the repo root in production).
  const fromSource = fileURLToPath(new URL('../../../../build/pocketsphinx-decoder', import.meta.url));
  const candidates = [fromSource, path.resolve('build/pocketsphinx-decoder')];
  return candidates.find(isExecutable) ?? fromSource;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
