CREATE TABLE `demo_fixtures` (
	`name` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`loaded_at` integer
);
