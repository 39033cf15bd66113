/**
 * Runs before `npm run serve` (npm's `preserve`): without a build there is no
 * dist/serve.mjs, and Node would answer with a stack trace instead of what to do.
 */
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/serve.mjs', import.meta.url))) {
  console.error('sentiment-desk: dist/ is missing: run `npm run build` first (npm start does it for you).');
  process.exit(1);
}
