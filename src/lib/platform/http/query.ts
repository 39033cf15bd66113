import type { z } from 'zod';

/** A query checked against its schema: its value, or a clear message naming the parameter that is not right. */
export function parseQuery<T extends z.ZodType>(
  schema: T,
  params: URLSearchParams,
): { ok: true; value: z.infer<T> } | { ok: false; problem: string } {
  const parsed = schema.safeParse(Object.fromEntries(params));
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const unknown = issue?.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : null;
  return { ok: false, problem: unknown ?? issue?.message ?? 'bad query' };
}
