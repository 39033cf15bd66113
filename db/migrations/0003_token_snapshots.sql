CREATE TABLE `token_snapshot_holders` (
	`snapshot_id` integer NOT NULL,
	`rank` integer NOT NULL,
	`address` text NOT NULL,
	`balance` text NOT NULL,
	PRIMARY KEY(`snapshot_id`, `rank`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `token_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token` text NOT NULL,
	`block` integer NOT NULL,
	`taken_at` integer NOT NULL,
	`source` text NOT NULL,
	`simulated` integer NOT NULL,
	`supply` text NOT NULL,
	`total_supply` text,
	`supply_difference` text,
	`metrics` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `token_snapshots_token_block` ON `token_snapshots` (`token`,`block`);