export const metadata = { title: 'Talk · Parley' };

export default function TalkPage() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Talk</h1>
      <p className="text-slate-600">Voice conversations arrive here next.</p>
    </div>
  );
}
