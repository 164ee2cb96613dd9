import { Talk } from './talk';
import { transportFromQuery } from './transport';

export const metadata = { title: 'Talk · Parley' };

export default async function TalkPage({ searchParams }: { searchParams: Promise<{ conversation?: string; transport?: string }> }) {
  const { conversation, transport } = await searchParams;
  const conversationId = conversation && /^[0-9a-f-]{36}$/i.test(conversation) ? conversation : undefined;
  // key: a different conversation is a different voice session.
  return <Talk key={conversationId ?? 'new'} conversationId={conversationId} transport={transportFromQuery(transport)} />;
}
