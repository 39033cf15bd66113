CREATE TABLE `chain_blocks` (
	`chain_id` integer NOT NULL,
	`number` integer NOT NULL,
	`hash` text NOT NULL,
	`timestamp` integer NOT NULL,
	PRIMARY KEY(`chain_id`, `number`)
);
--> statement-breakpoint
CREATE TABLE `token_transfers` (
	`token` text NOT NULL,
	`block_number` integer NOT NULL,
	`log_index` integer NOT NULL,
	`block_time` integer NOT NULL,
	`tx_hash` text NOT NULL,
	`from_address` text NOT NULL,
	`to_address` text NOT NULL,
	`amount` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `token_transfers_log` ON `token_transfers` (`token`,`tx_hash`,`log_index`);--> statement-breakpoint
CREATE INDEX `token_transfers_order` ON `token_transfers` (`token`,`block_number`,`log_index`);--> statement-breakpoint
ALTER TABLE `token_cursors` ADD `scanned_hash` text;--> statement-breakpoint
ALTER TABLE `token_cursors` ADD `reorg_below` integer;--> statement-breakpoint
ALTER TABLE `token_cursors` ADD `transfers_from` integer;--> statement-breakpoint
ALTER TABLE `token_snapshots` ADD `reorganised` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Tokens scanned before transfers were kept: their transfers start where their cursor stands now.
UPDATE `token_cursors` SET `transfers_from` = `next_block`;
