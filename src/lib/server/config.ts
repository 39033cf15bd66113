import { getEnvFieldType, validateEnvVariable } from 'astro/env/runtime';
import { ENV_SCHEMA, type EnvKey } from './env-schema.ts';

export interface ServerConfig {
  databaseUrl: string;
  databaseAuthToken: string | null;
  siteUrl: string | null;
  voteRateLimit: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const DATABASE_URL_SCHEMES = ['file:', 'http:', 'https:', 'libsql:', 'ws:', 'wss:'];

/**
 * Validates the environment with the same field rules astro:env applies inside
 * the server bundle, so scripts and the server agree on what is valid.
 * Throws a ConfigError whose message names every offending variable.
 */
export function readServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const problems: string[] = [];
  const values: Partial<Record<EnvKey, unknown>> = {};
  for (const [key, field] of Object.entries(ENV_SCHEMA) as [EnvKey, (typeof ENV_SCHEMA)[EnvKey]][]) {
    const raw = env[key] === '' ? undefined : env[key];
    const result = validateEnvVariable(raw, field);
    if (result.ok) {
      values[key] = result.value;
    } else if (result.errors[0] === 'missing') {
      problems.push(`${key} is missing`);
    } else if (result.errors[0] === 'type') {
      problems.push(`${key} has the wrong type, expected ${getEnvFieldType(field)}`);
    } else {
      problems.push(`${key}=${JSON.stringify(raw)} does not satisfy: ${result.errors.join(', ')}`);
    }
  }
  const databaseUrl = String(values.DATABASE_URL ?? '');
  if (databaseUrl && !DATABASE_URL_SCHEMES.some((scheme) => databaseUrl.startsWith(scheme))) {
    problems.push(
      `DATABASE_URL=${JSON.stringify(databaseUrl)} must start with one of ${DATABASE_URL_SCHEMES.join(' ')}`,
    );
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return {
    databaseUrl,
    databaseAuthToken: (values.DATABASE_AUTH_TOKEN as string | undefined) ?? null,
    siteUrl: (values.SITE_URL as string | undefined) ?? null,
    voteRateLimit: Number(values.VOTE_RATE_LIMIT ?? 30),
  };
}
