/**
 * What of a token weighting needs, kept with each poll (`polls.weighting_token`): its stored shape is declared
 * beside the schema (db/json-columns.ts) and read here by the weighting and the holder badges.
 */
export type { WeightingToken } from '../../../db/json-columns.ts';
