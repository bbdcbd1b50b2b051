CREATE TABLE "secure_account_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"outbox_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "password_reset_tokens" ADD COLUMN "code_hash" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "locked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "secure_account_tokens" ADD CONSTRAINT "secure_account_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "secure_account_tokens_token_hash_key" ON "secure_account_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "secure_account_tokens_outbox_id_key" ON "secure_account_tokens" USING btree ("outbox_id");--> statement-breakpoint
CREATE INDEX "secure_account_tokens_expires_at_idx" ON "secure_account_tokens" USING btree ("expires_at");