/**
 * The vote writer thread's entry, bundled into dist/vote-writer.mjs beside
 * dist/serve.mjs, which starts it with the first ballot (see
 * src/lib/polls/write/writer-thread.server.ts).
 */
import { serveVoteWrites } from '../src/lib/polls/write/writer-thread.server.ts';

serveVoteWrites();
