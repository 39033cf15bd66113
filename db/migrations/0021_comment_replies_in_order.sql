DROP INDEX `comments_parent`;--> statement-breakpoint
CREATE INDEX `comments_parent` ON `comments` (`parent_id`,`created_at`,`id`);