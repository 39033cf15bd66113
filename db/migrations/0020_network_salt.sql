-- The key of poll_network_ballots' hashes (src/lib/polls/networks.server.ts): 32 random bytes, made once with
-- the table, so every instance on this database reads the same one and no request ever has to write it.
INSERT OR IGNORE INTO `site_secrets` (`name`, `value`) VALUES ('network_salt', lower(hex(randomblob(32))));
