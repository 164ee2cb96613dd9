import Link from 'next/link';
import { requireUser } from '@/server/http/page';
import { getRuntime } from '@/server/runtime';
import { listConversations } from '@/server/store/conversations';

export const metadata = { title: 'History · Parley' };

export default async function ConversationsPage() {
  const user = await requireUser();
  const conversations = (await listConversations(getRuntime().db, user.id)).filter((c) => c.turnCount > 0);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">History</h1>
      {conversations.length === 0 && <p className="text-slate-600">No conversations yet. <Link href="/talk" className="text-indigo-600 underline">Start talking</Link>.</p>}
      <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
        {conversations.map((c) => (
          <li key={c.id}>
            <Link href={`/conversations/${c.id}`} className="flex items-baseline gap-4 px-4 py-3 hover:bg-slate-50">
              <span className="font-medium">{c.title ?? 'Untitled conversation'}</span>
              <span className="ml-auto text-sm text-slate-500">{c.turnCount} turns · {c.updatedAt.toLocaleString()}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
