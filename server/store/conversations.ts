/** Conversations and turns: the only code that writes them. Every query is scoped to an owner. */
import { and, asc, count, desc, eq, getTableColumns, inArray, max, sql, type SQL } from 'drizzle-orm';
import { conversations, TEXT_SEARCH_CONFIG, turns, type NewTurn } from '../../lib/db/schema';
import type { Database } from './database';

export async function createConversation(db: Database, userId: string) {
  const [row] = await db.insert(conversations).values({ userId }).returning();
  return row;
}

/** The conversation if it belongs to userId; null for a missing id and for anyone else's alike. */
export async function findOwnConversation(db: Database, userId: string, conversationId: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.userId, userId)));
  return row ?? null;
}

// Every column but the text-search vector, which only the database reads.
const { textSearch: _, ...turnColumns } = getTableColumns(turns);

export async function listTurns(db: Database, conversationId: string) {
  return db.select(turnColumns).from(turns).where(eq(turns.conversationId, conversationId)).orderBy(asc(turns.position));
}

/**
 * Appends a turn at the next position and touches the conversation, in one transaction, so a
 * crash never leaves half a turn. The first user turn names the conversation.
 */
export async function appendTurn(db: Database, turn: Omit<NewTurn, 'position' | 'createdAt'>) {
  return db.transaction(async (tx) => {
    // Lock the conversation so that concurrent appends take positions one after another.
    await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, turn.conversationId)).for('update');
    const [{ last }] = await tx
      .select({ last: max(turns.position) })
      .from(turns)
      .where(eq(turns.conversationId, turn.conversationId));
    const [row] = await tx
      .insert(turns)
      .values({ ...turn, position: (last ?? -1) + 1 })
      .returning(turnColumns);
    await tx
      .update(conversations)
      .set({
        updatedAt: new Date(),
        searchDocument: searchDocument(),
        ...(turn.role === 'user' && turn.text.trim()
          ? { title: sql`coalesce(${conversations.title}, ${titleFrom(turn.text)})` }
          : {}),
      })
      .where(eq(conversations.id, turn.conversationId));
    return row;
  });
}

function titleFrom(text: string): string {
  const words = text.trim().split(/\s+/);
  const title = words.slice(0, 8).join(' ');
  return words.length > 8 ? `${title}…` : title;
}

/**
 * Cuts a stored agent turn to what was heard, when the listener stopped it after the fact;
 * a turn of which nothing was heard is not kept.
 */
export async function truncateAgentTurn(db: Database, conversationId: string, turnId: string, heardText: string) {
  const turn = and(eq(turns.conversationId, conversationId), eq(turns.id, turnId), eq(turns.role, 'agent'));
  await db.transaction(async (tx) => {
    if (heardText.trim()) await tx.update(turns).set({ text: heardText, interrupted: true }).where(turn);
    else await tx.delete(turns).where(turn);
    // What was not heard is not findable either.
    await tx.update(conversations).set({ searchDocument: searchDocument() }).where(eq(conversations.id, conversationId));
  });
}

/** Rewrites the search documents of these conversations, after turns were written in bulk (an import, the benchmark). */
export async function rewriteSearchDocuments(db: Database, conversationIds: string[]) {
  if (conversationIds.length) await db.update(conversations).set({ searchDocument: searchDocument() }).where(inArray(conversations.id, conversationIds));
}

/**
 * A conversation's search document, for an update of that conversation: all its turns' text in
 * speaking order, read the way the history search reads words (drizzle/0002 wrote the same for
 * conversations held before it).
 */
function searchDocument(): SQL {
  return sql`(select to_tsvector(${TEXT_SEARCH_CONFIG}::regconfig, coalesce(string_agg(${turns.text}, ' ' order by ${turns.position}), '')) from ${turns} where ${turns.conversationId} = ${conversations.id})`;
}

/** An agent turn stored while it was spoken: now as far as it got, or complete (and findable as such). */
export async function updateAgentTurn(db: Database, conversationId: string, turnId: string, changes: Partial<Omit<NewTurn, 'id' | 'conversationId' | 'position' | 'role'>>) {
  await db.transaction(async (tx) => {
    await tx
      .update(turns)
      .set(changes)
      .where(and(eq(turns.conversationId, conversationId), eq(turns.id, turnId), eq(turns.role, 'agent')));
    if (changes.text !== undefined) {
      await tx.update(conversations).set({ searchDocument: searchDocument() }).where(eq(conversations.id, conversationId));
    }
  });
}

/** Renames one of the caller's conversations; false if there is no such conversation of theirs. */
export async function renameConversation(db: Database, userId: string, conversationId: string, title: string): Promise<boolean> {
  const renamed = await db
    .update(conversations)
    .set({ title })
    .where(and(eq(conversations.id, conversationId), eq(conversations.userId, userId)))
    .returning({ id: conversations.id });
  return renamed.length > 0;
}

/**
 * Deletes one of the caller's conversations, and its turns with it (the foreign key cascades);
 * false if there was no such conversation of theirs.
 */
export async function deleteConversation(db: Database, userId: string, conversationId: string): Promise<boolean> {
  const deleted = await db
    .delete(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.userId, userId)))
    .returning({ id: conversations.id });
  return deleted.length > 0;
}
