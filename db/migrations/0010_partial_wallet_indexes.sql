DROP INDEX `votes_poll_address_unique`;--> statement-breakpoint
DROP INDEX `votes_poll_weight`;--> statement-breakpoint
CREATE UNIQUE INDEX `votes_poll_address_unique` ON `votes` (`poll_id`,`address`) WHERE "votes"."address" is not null;--> statement-breakpoint
CREATE INDEX `votes_poll_weight` ON `votes` (`poll_id`,`weight_key`) WHERE "votes"."address" is not null;