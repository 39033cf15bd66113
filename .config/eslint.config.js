import { readdirSync } from 'node:fs';
import eslintPluginAstro from 'eslint-plugin-astro';
import tseslint from 'typescript-eslint';

/*
 * Imports flow one way: pages, actions and scripts → the composition root (src/app/) → features
 * (src/lib/<feature>/) → the platform (src/lib/platform/) → db/. The platform knows no feature and no feature
 * knows the composition root, and db/ (the schema, the names and JSON shapes it stores) imports nothing from src/;
 * these rules fail `npm run lint` when an import points the other way. Every folder of src/lib but the platform is
 * a feature, so a new feature is covered when it is made.
 */
const FEATURES = readdirSync(new URL('../src/lib/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'platform')
  .map((entry) => entry.name);
const UP_TO_APP = {
  regex: '^(\\.\\./)+app/',
  message: 'Only pages, actions and scripts use the composition root (src/app/); take what you need as an argument.',
};
const UP_TO_FEATURE = {
  regex: `^(\\.\\./)+(${FEATURES.join('|')})/`,
  message: 'The platform knows no feature: move the shared piece into the platform, or pass it in from src/app/.',
};
const UP_TO_SRC = {
  regex: '^(\\.\\./)+src/',
  message:
    'db/ imports nothing from src/: declare the stored name or JSON shape in db/ (vocabulary.ts, json-columns.ts) and import it from there in the feature.',
};

export default tseslint.config(
  { ignores: ['dist/', '.astro/', 'node_modules/', 'data/', 'db/migrations/'] },
  ...tseslint.configs.recommended,
  ...eslintPluginAstro.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // `const { id, ...rest } = row` is how a field is left out of an object.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/lib/**/*.{ts,astro}'],
    ignores: ['src/lib/platform/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [UP_TO_APP] }] },
  },
  {
    files: ['src/lib/platform/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [UP_TO_APP, UP_TO_FEATURE] }] },
  },
  {
    files: ['db/**/*.{ts,js,mjs}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [UP_TO_SRC] }] },
  },
);
