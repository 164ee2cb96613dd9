import type { ReconnectStatus } from './reconnect';

/** Says that the page is reconnecting by itself, and which attempt this is. */
export function ReconnectNotice({ status }: { status: ReconnectStatus }) {
  if (status.phase !== 'reconnecting') return null;
  return (
    <p role="status" data-testid="reconnecting" className="rounded-md bg-sky-50 px-4 py-3 text-sm text-sky-900">
      The connection to the server was lost. Reconnecting… attempt {status.attempt} of {status.maxAttempts}. This conversation continues
      where it stopped.
    </p>
  );
}
