ALTER TABLE `poll_resolutions` ADD `from_source` text;--> statement-breakpoint
ALTER TABLE `poll_resolutions` ADD `to_source` text;--> statement-breakpoint
ALTER TABLE `poll_resolutions` ADD `simulated` integer DEFAULT false NOT NULL;