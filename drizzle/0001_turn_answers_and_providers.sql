ALTER TABLE "turns" ADD COLUMN "reply_to" uuid[];--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "stt_provider" text;--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "agent_provider" text;--> statement-breakpoint
ALTER TABLE "turns" ADD COLUMN "tts_provider" text;