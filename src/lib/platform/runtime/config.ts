import { getEnvFieldType, validateEnvVariable } from 'astro/env/runtime';
import { ENV_SCHEMA, type EnvKey } from './env-schema.ts';
import { ConfigError, toServerConfig, type EnvValues, type ServerConfig } from './server-config.ts';

export { ConfigError, type ServerConfig };

/** One variable checked with astro:env's own field rules; a problem names it. */
function readField(
  env: Record<string, string | undefined>,
  key: EnvKey,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  const field = ENV_SCHEMA[key];
  const raw = env[key] === '' ? undefined : env[key];
  const result = validateEnvVariable(raw, field);
  if (result.ok) return { ok: true, value: result.value };
  if (result.errors[0] === 'missing') return { ok: false, problem: `${key} is missing` };
  if (result.errors[0] === 'type')
    return { ok: false, problem: `${key} has the wrong type, expected ${getEnvFieldType(field)}` };
  return { ok: false, problem: `${key}=${JSON.stringify(raw)} does not satisfy: ${result.errors.join(', ')}` };
}

/**
 * Validates a process environment with astro:env's own field rules (the
 * schema astro.config hands to Astro), then the cross-field rules. For
 * scripts outside Astro's bundle; the bundle gets the same values from
 * astro:env. Throws a ConfigError naming every offending variable.
 */
export function readServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const problems: string[] = [];
  const values: Partial<Record<EnvKey, unknown>> = {};
  for (const key of Object.keys(ENV_SCHEMA) as EnvKey[]) {
    const field = readField(env, key);
    if (field.ok) values[key] = field.value;
    else problems.push(field.problem);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return toServerConfig(values as unknown as EnvValues, problems, env);
}

/**
 * DEMO alone, for the build (content collections and astro.config), which
 * decides whether the static pages carry the demo; the server reads the same
 * field in readServerConfig.
 */
export function readDemo(env: Record<string, string | undefined>): boolean {
  const field = readField(env, 'DEMO');
  if (!field.ok) throw new ConfigError(`Invalid configuration: ${field.problem}`);
  return field.value === 'on';
}

/**
 * SITE_URL's origin alone, or null when it is not set, for the build: its
 * static pages carry it, and dist/build-info.json records it for the server
 * to compare (site-origin.ts, checkBuildSite).
 */
export function readSiteUrl(env: Record<string, string | undefined>): string | null {
  const field = readField(env, 'SITE_URL');
  if (!field.ok) throw new ConfigError(`Invalid configuration: ${field.problem}`);
  return typeof field.value === 'string' ? new URL(field.value).origin : null;
}
