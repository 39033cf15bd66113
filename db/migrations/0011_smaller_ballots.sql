DROP INDEX `votes_poll_weight`;--> statement-breakpoint
ALTER TABLE `votes` DROP COLUMN `weight_key`;