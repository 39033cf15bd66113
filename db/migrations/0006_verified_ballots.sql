ALTER TABLE `polls` ADD `verified_votes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `votes` ADD `address` text;--> statement-breakpoint
CREATE UNIQUE INDEX `votes_poll_address_unique` ON `votes` (`poll_id`,`address`);--> statement-breakpoint
-- Wallet-only polls used to key a ballot by "wallet:<lower-case address>"; those count as verified.
-- (syncPollDefinitions writes their checksummed address into the new column.)
UPDATE `polls` SET `verified_votes` = (SELECT count(*) FROM `votes` WHERE `votes`.`poll_id` = `polls`.`id` AND `votes`.`voter_id` LIKE 'wallet:%');
