import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';

/**
 * Reads YAML definitions from src/content with the same zod schemas the
 * content collections use, for code that runs outside Astro's bundle
 * (start-up sync, CLI scripts). Errors name the file and the field.
 */
export function loadYamlFile<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  const result = schema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${path}: ${issues}`);
  }
  return result.data;
}

export function loadYamlDir<S extends z.ZodType>(dir: string, schema: S): { file: string; data: z.infer<S> }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, data: loadYamlFile(join(dir, file), schema) }));
}
