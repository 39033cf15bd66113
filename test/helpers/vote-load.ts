import { expect } from 'vitest';
import { busyTotals, type BusyNetworks } from '../../src/lib/polls/networks.ts';
import { openDatabase } from '../../src/lib/platform/db/db.server.ts';

export interface LoadReport {
  /** voter id -> option id, for every vote answered 201. */
  acknowledged: Map<string, string>;
  /** Status code -> count, votes and reads together; 0 counts requests that got no HTTP answer at all. */
  statuses: Map<number, number>;
  /** Method, path, status and body of every 5xx, for failure messages. */
  serverErrors: string[];
}

export interface VoteLoad {
  report: LoadReport;
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<LoadReport>;
}

/**
 * Steady traffic for fault tests: `voters` workers each casting one new
 * ballot after another (no cookie, so every request is a new voter) and
 * `readers` workers reading `readPaths` in turn.
 */
export function startVoteLoad(options: {
  url: string;
  pollId: string;
  optionIds: string[];
  voters: number;
  readers?: number;
  readPaths?: string[];
}): VoteLoad {
  const report: LoadReport = { acknowledged: new Map(), statuses: new Map(), serverErrors: [] };
  let running = true;
  const count = (status: number): void => void report.statuses.set(status, (report.statuses.get(status) ?? 0) + 1);
  const noteError = async (label: string, response: Response): Promise<void> => {
    if (response.status >= 500) report.serverErrors.push(`${label} ${response.status} ${await response.text()}`);
  };

  const voter = async (): Promise<void> => {
    while (running) {
      const option = options.optionIds[Math.floor(Math.random() * options.optionIds.length)] ?? '';
      try {
        const response = await fetch(`${options.url}/api/polls/${options.pollId}/votes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ optionIds: [option] }),
        });
        count(response.status);
        const voterId = /(?:^|,\s*)voter=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
        if (response.status === 201 && voterId) report.acknowledged.set(voterId, option);
        else await noteError('POST votes', response);
        await response.arrayBuffer().catch(() => null);
      } catch {
        count(0);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const reader = async (offset: number): Promise<void> => {
    const paths = options.readPaths ?? [];
    for (let i = offset; running && paths.length > 0; i++) {
      const path = paths[i % paths.length] ?? '/';
      try {
        const response = await fetch(`${options.url}${path}`);
        count(response.status);
        await noteError(`GET ${path}`, response);
        await response.arrayBuffer().catch(() => null);
      } catch {
        count(0);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = [
    ...Array.from({ length: options.voters }, () => voter()),
    ...Array.from({ length: options.readers ?? 0 }, (_, i) => reader(i)),
  ];
  return {
    report,
    async stop() {
      running = false;
      await Promise.all(workers);
      return report;
    },
  };
}

/** Resolves once `done()` holds, polling; rejects after `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface VoteAudit {
  integrity: string;
  /** Acknowledged voters with no stored ballot, or a ballot for another option. */
  missing: string[];
  wrongChoice: string[];
  /** Stored ballots in the poll. */
  voteRows: number;
  /** Per option: the counter the results page reads (minus imported votes), vote_choices rows, hourly bucket sum. */
  perOption: Record<string, { counter: number; choices: number; buckets: number }>;
  /**
   * Ballots without a wallet: the rows, the per-network counts' sum, and the poll's busy-network sums as
   * stored and as worked out from those counts.
   */
  anonymous: { rows: number; counted: number; stored: BusyNetworks; recomputed: BusyNetworks };
}

/**
 * Reads the database directly after a fault: integrity, every acknowledged
 * ballot, and the denormalized counters against the rows they summarize.
 */
export async function auditVotes(
  databaseUrl: string,
  pollId: string,
  acknowledged: Map<string, string>,
): Promise<VoteAudit> {
  const db = await openDatabase({ url: databaseUrl });
  try {
    const client = db.$client;
    const integrity = (await client.execute('PRAGMA integrity_check')).rows.map((r) => String(r[0])).join('\n');
    const stored = new Map<string, string>();
    const rows = await client.execute({
      sql: `SELECT v.voter_id, c.option_id FROM votes v JOIN vote_choices c ON c.vote_id = v.id WHERE v.poll_id = ?`,
      args: [pollId],
    });
    for (const row of rows.rows) stored.set(String(row[0]), String(row[1]));
    const voteRows = Number(
      (await client.execute({ sql: 'SELECT count(*) FROM votes WHERE poll_id = ?', args: [pollId] })).rows[0]?.[0],
    );
    const options = await client.execute({
      sql: `SELECT o.option_id, o.votes - o.imported_votes,
              (SELECT count(*) FROM vote_choices c WHERE c.poll_id = o.poll_id AND c.option_id = o.option_id),
              (SELECT coalesce(sum(b.votes), 0) FROM vote_buckets b WHERE b.poll_id = o.poll_id AND b.option_id = o.option_id)
            FROM poll_options o WHERE o.poll_id = ?`,
      args: [pollId],
    });
    const perOption: VoteAudit['perOption'] = {};
    for (const row of options.rows) {
      perOption[String(row[0])] = { counter: Number(row[1]), choices: Number(row[2]), buckets: Number(row[3]) };
    }
    const one = async (sql: string): Promise<number> =>
      Number((await client.execute({ sql, args: [pollId] })).rows[0]?.[0] ?? 0);
    const networkCounts = (
      await client.execute({ sql: 'SELECT ballots FROM poll_network_ballots WHERE poll_id = ?', args: [pollId] })
    ).rows.map((r) => Number(r[0]));
    const anonymous = {
      rows: await one('SELECT count(*) FROM votes WHERE poll_id = ? AND address IS NULL'),
      counted: networkCounts.reduce((a, b) => a + b, 0),
      stored: {
        ballots: await one('SELECT busy_network_ballots FROM polls WHERE id = ?'),
        networks: await one('SELECT busy_networks FROM polls WHERE id = ?'),
      },
      recomputed: busyTotals(networkCounts),
    };
    const missing = [...acknowledged.keys()].filter((voter) => !stored.has(voter));
    const wrongChoice = [...acknowledged]
      .filter(([voter, option]) => stored.has(voter) && stored.get(voter) !== option)
      .map(([v]) => v);
    return { integrity, missing, wrongChoice, voteRows, perOption, anonymous };
  } finally {
    db.$client.close();
  }
}

/**
 * Integrity ok, every acknowledged ballot stored as cast, each option's counters equal to its rows, and
 * the network counts equal to the ballots cast without a wallet (startVoteLoad casts no other kind).
 */
export function expectVotesIntact(audit: VoteAudit, acknowledged: number): void {
  expect(audit.integrity).toBe('ok');
  expect(audit.missing).toEqual([]);
  expect(audit.wrongChoice).toEqual([]);
  expect(audit.voteRows).toBeGreaterThanOrEqual(acknowledged);
  expect(Object.keys(audit.perOption).length).toBeGreaterThan(0);
  for (const [option, { counter, choices, buckets }] of Object.entries(audit.perOption)) {
    expect([option, counter, buckets]).toEqual([option, choices, choices]);
  }
  const { rows, counted, stored, recomputed } = audit.anonymous;
  expect(rows).toBe(audit.voteRows);
  expect(counted).toBe(rows);
  expect(stored).toEqual(recomputed);
}
