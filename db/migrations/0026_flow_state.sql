CREATE TABLE `token_flow_state` (
	`token` text PRIMARY KEY NOT NULL,
	`snapshot_id` integer NOT NULL,
	`block` integer NOT NULL,
	`from_block` integer NOT NULL,
	`definition` text NOT NULL,
	`state` text NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`snapshot_id`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
