import Link from 'next/link';

export default function ConversationNotFound() {
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold">No such conversation</h1>
      <p className="text-slate-600">It may have been deleted, or the address is wrong.</p>
      <Link href="/conversations" className="text-indigo-600 underline">Back to History</Link>
    </div>
  );
}
