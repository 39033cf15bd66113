import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenDefinitionSchema, type TokenDefinition } from './schemas.ts';
import { symbolKey } from '../content/schemas.ts';
import { loadYamlFile } from '../content/yaml.server.ts';

/** Where token definitions are read from; tests and the demo point TOKENS_DIR at their own. */
export const TOKENS_DIR = process.env.TOKENS_DIR || fileURLToPath(new URL('../../content/tokens/', import.meta.url));

/** A token definition by symbol (<dir>/<symbol>.yaml), or null when there is none. */
export function loadTokenDefinition(symbol: string, dir = TOKENS_DIR): TokenDefinition | null {
  const path = join(dir, `${symbolKey(symbol)}.yaml`);
  if (!existsSync(path)) return null;
  const token = loadYamlFile(path, tokenDefinitionSchema);
  if (symbolKey(token.symbol) !== symbolKey(symbol))
    throw new Error(`${path}: symbol "${token.symbol}" does not match the file name`);
  return token;
}

/** For CLI scripts: the token, or a one-line reason why there is none to use. */
export function tokenOrReason(symbol: string, dir = TOKENS_DIR): TokenDefinition | string {
  try {
    return loadTokenDefinition(symbol, dir) ?? `there is no token ${symbol} in ${dir}`;
  } catch (error) {
    return (error as Error).message;
  }
}
