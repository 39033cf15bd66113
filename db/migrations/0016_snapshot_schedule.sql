CREATE TABLE `snapshot_schedule` (
	`token` text PRIMARY KEY NOT NULL,
	`holder` text,
	`lease_expires_at` integer,
	`last_started_at` integer,
	`last_success_at` integer,
	`last_block` integer,
	`last_error` text,
	`last_error_at` integer,
	`failures` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer
);
