import { z } from 'zod';
import { jsonError, withIdentity } from '@/server/http/route';
import { findOwnTurnAudio } from '@/server/store/turn-audio';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string; turnId: string }> };

/**
 * A turn's kept recording, as the file it was stored as (Ogg Opus). Another person's turn, a
 * turn without a recording and a missing one are the same 404.
 */
export const GET = withIdentity<Params>(async (_request, { params, identity, runtime }) => {
  const { id, turnId } = await params;
  const valid = z.uuid().safeParse(id).success && z.uuid().safeParse(turnId).success;
  const kept = valid ? await findOwnTurnAudio(runtime.db, identity.userId, id, turnId) : null;
  if (!kept) return jsonError(404, 'not_found', 'No recording of that turn of yours.');
  return new Response(kept.audio as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': kept.mimeType,
      'content-length': String(kept.audio.byteLength),
      'cache-control': 'private, no-store',
    },
  });
});
