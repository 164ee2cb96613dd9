import { notFound } from 'next/navigation';
import { z } from 'zod';
import { requireUser } from '@/server/http/page';
import { getRuntime } from '@/server/runtime';
import { findOwnConversation } from '@/server/store/conversations';
import { ConversationView } from './conversation-view';

export const metadata = { title: 'Conversation · Parley' };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  // Checked here so that someone else's conversation, or a deleted one, is a real 404 page;
  // the transcript itself comes through the JSON API and stays fresh while it goes on.
  const conversation = z.uuid().safeParse(id).success ? await findOwnConversation(getRuntime().db, user.id, id) : null;
  if (!conversation) notFound();
  return <ConversationView id={conversation.id} />;
}
