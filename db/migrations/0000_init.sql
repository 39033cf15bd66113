CREATE TABLE `poll_options` (
	`poll_id` text NOT NULL,
	`option_id` text NOT NULL,
	`position` integer NOT NULL,
	`label` text NOT NULL,
	`imported_votes` integer DEFAULT 0 NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `option_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `polls` (
	`id` text PRIMARY KEY NOT NULL,
	`question` text NOT NULL,
	`kind` text NOT NULL,
	`max_choices` integer NOT NULL,
	`opens_at` integer NOT NULL,
	`closes_at` integer,
	`voters` text NOT NULL,
	`results` text NOT NULL,
	`allow_change` integer NOT NULL,
	`token` text,
	`source` text,
	`total_votes` integer DEFAULT 0 NOT NULL,
	`version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vote_choices` (
	`vote_id` integer NOT NULL,
	`poll_id` text NOT NULL,
	`option_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`vote_id`, `option_id`),
	FOREIGN KEY (`vote_id`) REFERENCES `votes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`poll_id`,`option_id`) REFERENCES `poll_options`(`poll_id`,`option_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `vote_choices_poll_time` ON `vote_choices` (`poll_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `votes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`poll_id` text NOT NULL,
	`voter_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `votes_poll_voter_unique` ON `votes` (`poll_id`,`voter_id`);