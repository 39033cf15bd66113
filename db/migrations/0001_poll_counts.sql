CREATE TABLE `vote_buckets` (
	`poll_id` text NOT NULL,
	`option_id` text NOT NULL,
	`hour_start` integer NOT NULL,
	`votes` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `hour_start`, `option_id`),
	FOREIGN KEY (`poll_id`,`option_id`) REFERENCES `poll_options`(`poll_id`,`option_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
DROP INDEX `vote_choices_poll_time`;--> statement-breakpoint
ALTER TABLE `poll_options` ADD `labels` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `imported_total` integer DEFAULT 0 NOT NULL;