import { notFound } from 'next/navigation';
import { z } from 'zod';
import { requireUser } from '@/server/http/page';
import { getRuntime } from '@/server/runtime';
import { findOwnConversation, listTurns } from '@/server/store/conversations';

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const db = getRuntime().db;
  const conversation = z.uuid().safeParse(id).success ? await findOwnConversation(db, user.id, id) : null;
  if (!conversation) notFound();
  const turns = await listTurns(db, conversation.id);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{conversation.title ?? 'Untitled conversation'}</h1>
      <p className="text-sm text-slate-500">Started {conversation.createdAt.toLocaleString()}</p>
      <ol className="space-y-3">
        {turns.map((turn) => (
          <li key={turn.id} data-role={turn.role} className={turn.role === 'user' ? 'text-right' : ''}>
            <div className={`inline-block max-w-[80%] rounded-2xl px-4 py-2 ${turn.role === 'user' ? 'bg-indigo-600 text-white' : 'bg-white border border-slate-200'}`}>
              {turn.text || <em className="opacity-70">(nothing heard)</em>}
              {turn.interrupted && <span className="ml-2 text-xs opacity-70">(interrupted)</span>}
            </div>
            {turn.role === 'agent' && turn.voiceToVoiceMs !== null && (
              <div className="mt-1 text-xs text-slate-500">voice-to-voice {turn.voiceToVoiceMs} ms</div>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
