CREATE TABLE `cohort_buckets` (
	`poll_id` text NOT NULL,
	`option_id` text NOT NULL,
	`cohort` text NOT NULL,
	`hour_start` integer NOT NULL,
	`votes` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `cohort`, `hour_start`, `option_id`),
	FOREIGN KEY (`poll_id`,`option_id`) REFERENCES `poll_options`(`poll_id`,`option_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `poll_cohorts` (
	`poll_id` text NOT NULL,
	`cohort` text NOT NULL,
	`voters` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `cohort`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `poll_option_cohorts` (
	`poll_id` text NOT NULL,
	`option_id` text NOT NULL,
	`cohort` text NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	`weight` text DEFAULT '0' NOT NULL,
	`sqrt_weight` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `option_id`, `cohort`),
	FOREIGN KEY (`poll_id`,`option_id`) REFERENCES `poll_options`(`poll_id`,`option_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `polls` ADD `weighting` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `weighting_pin` integer;--> statement-breakpoint
ALTER TABLE `polls` ADD `weighting_block` integer;--> statement-breakpoint
ALTER TABLE `polls` ADD `weighted_with` text;--> statement-breakpoint
ALTER TABLE `polls` ADD `weighting_token` text;--> statement-breakpoint
ALTER TABLE `polls` ADD `public_ballots` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `votes` ADD `cohort` text DEFAULT 'unverified' NOT NULL;--> statement-breakpoint
ALTER TABLE `votes` ADD `weight` text DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE `votes` ADD `weight_key` text DEFAULT '000000000000000000000000000000000000000000000000000000000000000000000000000000' NOT NULL;--> statement-breakpoint
ALTER TABLE `votes` ADD `sqrt_weight` real DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `votes_poll_weight` ON `votes` (`poll_id`,`weight_key`);