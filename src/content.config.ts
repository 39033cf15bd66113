import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { tokenDefinitionSchema } from './lib/chain/schemas.ts';
import { postSchema } from './lib/content/schemas.ts';
import { pollDefinitionSchema } from './lib/polls/schemas.ts';

const posts = defineCollection({
  loader: glob({ pattern: '**/*.mdx', base: './src/content/posts' }),
  schema: postSchema,
});

const polls = defineCollection({
  loader: glob({ pattern: '*.yaml', base: './src/content/polls' }),
  schema: pollDefinitionSchema,
});

const tokens = defineCollection({
  loader: glob({ pattern: '*.yaml', base: './src/content/tokens' }),
  schema: tokenDefinitionSchema,
});

export const collections = { posts, polls, tokens };
