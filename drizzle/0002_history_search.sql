DROP INDEX "conversations_user_updated_idx";--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "text_search" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', "turns"."text")) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "conversations_user_created_idx" ON "conversations" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "turns_text_search_idx" ON "turns" USING gin ("text_search");