CREATE TABLE `token_entities` (
	`token` text NOT NULL,
	`owner` text NOT NULL,
	`snapshot_id` integer NOT NULL,
	`rank` integer NOT NULL,
	`wallets` text NOT NULL,
	`balance` text NOT NULL,
	`insider` integer NOT NULL,
	`first_seen_block` integer,
	`first_seen_time` integer,
	`edges` text NOT NULL,
	PRIMARY KEY(`token`, `owner`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `token_entities_rank` ON `token_entities` (`token`,`rank`);--> statement-breakpoint
CREATE TABLE `token_entity_groupings` (
	`snapshot_id` integer PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`definition` text NOT NULL,
	`summary` text NOT NULL,
	`kept` integer DEFAULT false NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`snapshot_id`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `token_entity_groupings_token` ON `token_entity_groupings` (`token`);--> statement-breakpoint
CREATE TABLE `token_entity_wallets` (
	`token` text NOT NULL,
	`address` text NOT NULL,
	`owner` text NOT NULL,
	`snapshot_id` integer NOT NULL,
	PRIMARY KEY(`token`, `address`),
	FOREIGN KEY (`snapshot_id`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
