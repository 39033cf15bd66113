CREATE TABLE `token_balances` (
	`token` text NOT NULL,
	`address` text NOT NULL,
	`balance` text NOT NULL,
	PRIMARY KEY(`token`, `address`)
);
--> statement-breakpoint
CREATE TABLE `token_cursors` (
	`token` text NOT NULL,
	`chain_id` integer NOT NULL,
	`contract` text NOT NULL,
	`next_block` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`token`, `chain_id`, `contract`)
);
