/** Something failed: the server's own message, and a way to try again. */
export function Problem({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div role="alert" className="flex flex-wrap items-center gap-3 rounded-md bg-red-50 px-4 py-3 text-sm text-red-800">
      <span>{message}</span>
      <button type="button" onClick={onRetry} className="ml-auto rounded-md border border-red-300 bg-white px-3 py-1 hover:bg-red-100">
        Try again
      </button>
    </div>
  );
}
