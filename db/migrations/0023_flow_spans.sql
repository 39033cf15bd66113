CREATE TABLE `token_flow_spans` (
	`token` text NOT NULL,
	`from_snapshot` integer NOT NULL,
	`to_snapshot` integer NOT NULL,
	`scope` text NOT NULL,
	`from_block` integer NOT NULL,
	`to_block` integer NOT NULL,
	`to_time` integer NOT NULL,
	`figures` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`to_snapshot`, `scope`),
	FOREIGN KEY (`from_snapshot`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`to_snapshot`) REFERENCES `token_snapshots`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `token_flow_spans_time` ON `token_flow_spans` (`token`,`to_time`);