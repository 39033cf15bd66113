import type { TokenDefinition } from '../chain/schemas.ts';
import { symbolKey } from '../content/schemas.ts';
import type { PollDefinition } from '../polls/schemas.ts';

/**
 * What search knows of the pages rendered on demand (polls and tokens), which
 * Pagefind cannot read from the built HTML: a record each, made from the same
 * definitions the pages are. Pure.
 */

export interface SearchRecord {
  url: string;
  content: string;
  language: string;
  meta: { title: string; kind: string };
}

export function pollRecord(poll: PollDefinition): SearchRecord {
  const labels = poll.options.flatMap((o) => [o.label, ...Object.values(o.labels ?? {})]);
  const questions = [poll.question, ...Object.values(poll.questionLabels ?? {})];
  return {
    url: `/polls/${poll.id}/`,
    content: [...new Set([...questions, ...labels, ...(poll.token ? [`$${poll.token}`, poll.token] : [])])].join('\n'),
    language: 'en',
    meta: { title: poll.question, kind: 'Poll' },
  };
}

export function tokenRecord(token: TokenDefinition): SearchRecord {
  return {
    url: `/tokens/${symbolKey(token.symbol)}/`,
    content: [`${token.name} ($${token.symbol})`, token.symbol, token.description ?? ''].join('\n'),
    language: 'en',
    meta: { title: `${token.name} ($${token.symbol})`, kind: 'Token' },
  };
}
