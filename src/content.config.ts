import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { tokenDefinitionSchema } from './lib/chain/schemas.ts';
import { withoutDemo } from './lib/content/demo.ts';
import { postSchema } from './lib/content/schemas.ts';
import { pollDefinitionSchema } from './lib/polls/schemas.ts';
import { readDemo } from './lib/platform/runtime/config.ts';

/** DEMO=off builds the site without the simulated demo's post, poll and token. */
const demo = readDemo(process.env);

const posts = defineCollection({
  loader: withoutDemo(glob({ pattern: '**/*.mdx', base: './src/content/posts' }), demo),
  schema: postSchema,
});

const polls = defineCollection({
  loader: withoutDemo(glob({ pattern: '*.yaml', base: './src/content/polls' }), demo),
  schema: pollDefinitionSchema,
});

const tokens = defineCollection({
  // The id is the file name as written (`usdc.e`), the symbol's lookup key; the default slug would drop the dot.
  loader: withoutDemo(
    glob({ pattern: '*.yaml', base: './src/content/tokens', generateId: ({ entry }) => entry.replace(/\.yaml$/, '') }),
    demo,
  ),
  schema: tokenDefinitionSchema,
});

export const collections = { posts, polls, tokens };
