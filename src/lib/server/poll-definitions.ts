import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { pollDefinitionSchema, type PollDefinition } from '../polls/schemas.ts';

/**
 * Reads src/content/polls/*.yaml with the same schema the content collection
 * uses, for syncing at start-up (before Astro's bundle is loaded). Throws with
 * the file and field named.
 */
export function loadPollDefinitions(dir: string): PollDefinition[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  return files.map((file) => {
    const path = join(dir, file);
    const result = pollDefinitionSchema.safeParse(parse(readFileSync(path, 'utf8')));
    if (!result.success) {
      const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`${path}: ${issues}`);
    }
    if (`${result.data.id}.yaml` !== file) {
      throw new Error(`${path}: id "${result.data.id}" must match the file name`);
    }
    return result.data;
  });
}
