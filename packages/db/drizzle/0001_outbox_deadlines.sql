ALTER TYPE "public"."outbox_status" ADD VALUE 'expired';--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
-- Rows written before the deadline existed: a reset request's deadline is its link's expiry (the minted token's
-- when there is one, else the default 10-minute lifetime); a "password changed" notice gets a day.
UPDATE "email_outbox" AS "o" SET "expires_at" = coalesce(
  (SELECT "t"."expires_at" FROM "password_reset_tokens" AS "t" WHERE "t"."outbox_id" = "o"."id"),
  "o"."created_at" + CASE WHEN "o"."kind" = 'password_reset' THEN interval '600 seconds' ELSE interval '1 day' END
);--> statement-breakpoint
ALTER TABLE "email_outbox" ALTER COLUMN "expires_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "locked_by" uuid;
