import { getEnvFieldType, validateEnvVariable } from 'astro/env/runtime';
import { ENV_SCHEMA, type EnvKey } from './env-schema.ts';
import { ConfigError, toServerConfig, type EnvValues, type ServerConfig } from './server-config.ts';

export { ConfigError, type ServerConfig };

/**
 * Validates a process environment with astro:env's own field rules (the
 * schema astro.config hands to Astro), then the cross-field rules. For
 * scripts outside Astro's bundle; the bundle gets the same values from
 * astro:env. Throws a ConfigError naming every offending variable.
 */
export function readServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const problems: string[] = [];
  const values: Partial<Record<EnvKey, unknown>> = {};
  for (const [key, field] of Object.entries(ENV_SCHEMA) as [EnvKey, (typeof ENV_SCHEMA)[EnvKey]][]) {
    const raw = env[key] === '' ? undefined : env[key];
    const result = validateEnvVariable(raw, field);
    if (result.ok) values[key] = result.value;
    else if (result.errors[0] === 'missing') problems.push(`${key} is missing`);
    else if (result.errors[0] === 'type')
      problems.push(`${key} has the wrong type, expected ${getEnvFieldType(field)}`);
    else problems.push(`${key}=${JSON.stringify(raw)} does not satisfy: ${result.errors.join(', ')}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  return toServerConfig(values as unknown as EnvValues, problems);
}
