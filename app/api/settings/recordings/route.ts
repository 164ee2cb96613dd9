/** DELETE /api/settings/recordings: "delete my recordings": every kept audio of the caller's conversations (the transcripts stay). */
import { withIdentity } from '@/server/http/route';
import { deletePersonRecordings } from '@/server/store/turn-audio';

export const dynamic = 'force-dynamic';

export const DELETE = withIdentity(async (_request, { identity, runtime }) => {
  return Response.json({ deleted: await deletePersonRecordings(runtime.db, identity.userId) });
});
