CREATE TABLE `poll_resolutions` (
	`poll_id` text PRIMARY KEY NOT NULL,
	`from_block` integer NOT NULL,
	`from_taken_at` integer NOT NULL,
	`from_value` real NOT NULL,
	`to_block` integer NOT NULL,
	`to_taken_at` integer NOT NULL,
	`to_value` real NOT NULL,
	`change` real NOT NULL,
	`outcome` text NOT NULL,
	`definition` text NOT NULL,
	`resolved_at` integer NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `polls` ADD `resolution` text;