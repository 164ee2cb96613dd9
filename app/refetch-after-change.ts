import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Refetch what a change on the server made stale. Invalidating alone is not enough while a
 * query's first load is still in flight: TanStack Query then joins that load, which began before
 * the change, and shows its stale answer as fresh (a token just created missing from the list).
 * Cancelling first makes the refetch a new request.
 */
export async function refetchAfterChange(queryClient: QueryClient, ...queryKeys: QueryKey[]): Promise<void> {
  await Promise.all(queryKeys.map((queryKey) => queryClient.cancelQueries({ queryKey })));
  await Promise.all(queryKeys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
}
