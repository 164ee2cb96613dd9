CREATE TABLE "turn_audio" (
	"turn_id" uuid PRIMARY KEY NOT NULL,
	"mime_type" text NOT NULL,
	"duration_ms" integer NOT NULL,
	"audio" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "person_settings" ADD COLUMN "keep_audio" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "turn_audio" ADD CONSTRAINT "turn_audio_turn_id_turns_id_fk" FOREIGN KEY ("turn_id") REFERENCES "public"."turns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "turn_audio_created_at_idx" ON "turn_audio" USING btree ("created_at");