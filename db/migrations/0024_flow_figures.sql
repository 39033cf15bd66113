CREATE TABLE `token_flow_figures` (
	`token` text NOT NULL,
	`figure` text NOT NULL,
	`variant` text NOT NULL,
	`snapshot_id` integer NOT NULL,
	`from_block` integer NOT NULL,
	`to_block` integer NOT NULL,
	`as_of` integer NOT NULL,
	`definition` text NOT NULL,
	`data` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`token`, `figure`, `variant`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `token_transfers_from` ON `token_transfers` (`token`,`from_address`,`block_number`);--> statement-breakpoint
CREATE INDEX `token_transfers_to` ON `token_transfers` (`token`,`to_address`,`block_number`);