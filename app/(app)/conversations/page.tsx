import { requireUser } from '@/server/http/page';
import { ConversationList } from './conversation-list';
import { parseHistoryFilters } from './filters';

export const metadata = { title: 'History · Parley' };

export default async function ConversationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  // The list itself is fetched by the browser, through the JSON API, page by page.
  const { filters, problems } = parseHistoryFilters(await searchParams);
  return <ConversationList initialFilters={filters} problems={problems} />;
}
