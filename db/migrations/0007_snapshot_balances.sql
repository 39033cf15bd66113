CREATE TABLE `token_snapshot_balances` (
	`snapshot_id` integer NOT NULL,
	`address` text NOT NULL,
	`balance` text NOT NULL,
	PRIMARY KEY(`snapshot_id`, `address`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
