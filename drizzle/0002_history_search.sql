DROP INDEX "conversations_user_updated_idx";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "search_document" "tsvector" DEFAULT ''::tsvector NOT NULL;--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "text_search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "turns"."text")) STORED NOT NULL;--> statement-breakpoint
-- Conversations held before this migration: their search documents, as the store writes them (server/store/conversations.ts).
UPDATE "conversations" SET "search_document" = (SELECT to_tsvector('english', coalesce(string_agg("turns"."text", ' ' ORDER BY "turns"."position"), '')) FROM "turns" WHERE "turns"."conversation_id" = "conversations"."id");--> statement-breakpoint
CREATE INDEX "conversations_user_created_idx" ON "conversations" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "conversations_search_document_idx" ON "conversations" USING gin ("search_document");