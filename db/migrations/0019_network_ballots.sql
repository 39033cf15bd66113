CREATE TABLE `poll_network_ballots` (
	`poll_id` text NOT NULL,
	`network` text NOT NULL,
	`ballots` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `network`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `site_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `polls` ADD `busy_network_ballots` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `busy_networks` integer DEFAULT 0 NOT NULL;