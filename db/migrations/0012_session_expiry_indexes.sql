CREATE INDEX `sessions_last_active` ON `sessions` (`last_active_at`);--> statement-breakpoint
CREATE INDEX `sessions_created` ON `sessions` (`created_at`);