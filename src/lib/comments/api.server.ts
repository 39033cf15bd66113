import { getCollection, getEntry, type CollectionEntry } from 'astro:content';
import { postSlug } from '../content/posts.ts';
import { jsonResult, parseJson, problemResult, type ApiResult } from '../platform/http/results.ts';
import { readLimitedBody } from '../platform/http/limited-body.server.ts';
import type { CommentError, CommentResult } from './repo.server.ts';
import { listCommentPage, listReplyPage } from './repo.server.ts';
import { decodeCursor, type CommentCursor } from './cursor.ts';
import {
  buildThreads,
  threadView,
  type BadgesByAddress,
  type CommentRow,
  type CommentView,
  type Viewer,
} from './rules.ts';
import { MAX_COMMENT_REQUEST_BYTES } from './schemas.ts';
import type { z } from 'zod';
import type { Database } from '../platform/db/db.server.ts';
import type { ServerConfig } from '../platform/runtime/config.ts';
import type { WeightingToken } from '../cohorts/ids.ts';
import { weightingTokenOf } from '../cohorts/weighting.ts';
import { holderBadges } from '../holders/badge.server.ts';

/** Shared pieces of the comment endpoints: who is asking, which post, how errors map to statuses. */

/** What the comment endpoints need of the application's services. */
export interface CommentDeps {
  db: Database;
  config: Pick<ServerConfig, 'adminAddresses'>;
}

export function viewerOf(services: CommentDeps, address: string | null): Viewer {
  return { address, isAdmin: address !== null && services.config.adminAddresses.includes(address.toLowerCase()) };
}

/** A published post with this slug, in any language: its translations share one discussion. */
async function publishedPost(slug: string): Promise<CollectionEntry<'posts'> | undefined> {
  const posts = await getCollection('posts', (post) => !post.data.draft && postSlug(post.id) === slug);
  return posts.find((post) => post.id === slug) ?? posts[0];
}

/** Whether a published post has this slug. */
export async function postExists(slug: string): Promise<boolean> {
  return (await publishedPost(slug)) !== undefined;
}

export const unknownPost = (slug: string): ApiResult => problemResult(404, 'not_found', `There is no post "${slug}".`);
export const signInRequired = (): ApiResult =>
  problemResult(401, 'sign_in_required', 'Sign in with your wallet to comment.');

const STATUS: Record<CommentError['code'], number> = {
  not_found: 404,
  invalid_parent: 400,
  forbidden: 403,
  blocked: 403,
  hidden: 409,
  edit_window_closed: 409,
  rate_limited: 429,
};

/** A refusal; a rate limit's also says which limit (`limit`) and when to try again (Retry-After). */
export function commentErrorResult(error: CommentError): ApiResult {
  if (error.code === 'rate_limited') {
    const retry = { 'retry-after': String(error.retryAfterSeconds) };
    return problemResult(429, error.code, error.message, { limit: error.limit }, retry);
  }
  return problemResult(STATUS[error.code], error.code, error.message);
}

/**
 * The token a post's commenters are badged by: the first of its `tokens`,
 * when that token is defined (src/content/tokens, as on the token page).
 */
async function badgeToken(slug: string): Promise<WeightingToken | null> {
  const symbol = (await publishedPost(slug))?.data.tokens[0];
  const token = symbol === undefined ? undefined : await getEntry('tokens', symbol.toLowerCase());
  return token ? weightingTokenOf(token.data) : null;
}

export interface ThreadsPage {
  threads: CommentView[];
  nextCursor: string | null;
  total: number;
}

/** One page of the post's threads as this viewer may see them, each comment with its author's holder badge. */
export async function postThreads(
  services: CommentDeps,
  slug: string,
  viewer: Viewer,
  order: 'newest' | 'oldest',
  cursor: CommentCursor | null = null,
): Promise<ThreadsPage> {
  const [page, token] = await Promise.all([
    listCommentPage(services.db, slug, cursor?.order ?? order, cursor, viewer.isAdmin),
    badgeToken(slug),
  ]);
  const badges = await badgesOf(services, token, page.rows);
  return {
    threads: buildThreads(page.rows, cursor?.order ?? order, viewer, Date.now(), badges, page.replyCounts),
    nextCursor: page.nextCursor,
    total: page.total,
  };
}

async function badgesOf(
  services: CommentDeps,
  token: WeightingToken | null,
  rows: readonly CommentRow[],
): Promise<BadgesByAddress | undefined> {
  return token
    ? holderBadges(
        services.db,
        token,
        rows.map((r) => r.address),
      )
    : undefined;
}

export interface RepliesPage {
  /** The thread's comment, with one page of its replies and how many come after (`moreReplies`). */
  thread: CommentView;
  nextCursor: string | null;
}

/**
 * One page of a thread's replies (50, oldest first) as this viewer may see
 * them; null when the post has no such thread for this viewer.
 */
export async function threadReplies(
  services: CommentDeps,
  slug: string,
  threadId: number,
  viewer: Viewer,
  cursor: CommentCursor | null,
): Promise<RepliesPage | null> {
  const [page, token] = await Promise.all([
    listReplyPage(services.db, slug, threadId, cursor, viewer.isAdmin),
    badgeToken(slug),
  ]);
  if (!page) return null;
  const badges = await badgesOf(services, token, [page.top, ...page.rows]);
  const thread = threadView(page.top, page.rows, page.more, viewer, Date.now(), badges);
  return thread && { thread, nextCursor: page.nextCursor };
}

export const unknownThread = (): ApiResult =>
  problemResult(404, 'not_found', 'There is no such thread under this post.');

/** `GET /api/posts/<slug>/comments/<id>/replies`: one page of a thread's replies. */
export async function repliesResult(
  services: CommentDeps,
  slug: string,
  threadId: number,
  viewer: Viewer,
  cursor: CommentCursor | null,
): Promise<ApiResult> {
  const page = await threadReplies(services, slug, threadId, viewer, cursor);
  if (!page) return unknownThread();
  return jsonResult({ post: slug, viewer, thread: page.thread, nextCursor: page.nextCursor });
}

/** One page of the post's threads as this viewer may see them. */
export async function threadsResult(
  services: CommentDeps,
  slug: string,
  viewer: Viewer,
  order: 'newest' | 'oldest',
  status = 200,
  cursor: CommentCursor | null = null,
): Promise<ApiResult> {
  const page = await postThreads(services, slug, viewer, order, cursor);
  return jsonResult(
    {
      post: slug,
      order: cursor?.order ?? order,
      viewer,
      comments: page.threads,
      nextCursor: page.nextCursor,
      total: page.total,
    },
    status,
  );
}

/** `?cursor=` from a URL: absent (null), a cursor, or 'invalid'. */
export function cursorOf(url: URL): CommentCursor | null | 'invalid' {
  const raw = url.searchParams.get('cursor');
  if (raw === null || raw === '') return null;
  return decodeCursor(raw) ?? 'invalid';
}

/** `?cursor=` for a thread's replies, which page oldest first: a cursor of the other order is not one of theirs. */
export function repliesCursorOf(url: URL): CommentCursor | null | 'invalid' {
  const cursor = cursorOf(url);
  return cursor !== null && cursor !== 'invalid' && cursor.order !== 'oldest' ? 'invalid' : cursor;
}

export const invalidCursor = (): ApiResult =>
  problemResult(400, 'invalid_cursor', 'The cursor is not one this site handed out; start again from the first page.');

/** After a write: the changed comment's threads, or the error. */
export async function afterWrite(
  services: CommentDeps,
  slug: string,
  viewer: Viewer,
  result: CommentResult,
  status: number,
): Promise<ApiResult> {
  if (!result.ok) return commentErrorResult(result.error);
  return threadsResult(services, slug, viewer, 'newest', status);
}

export function orderOf(url: URL): 'newest' | 'oldest' {
  return url.searchParams.get('order') === 'oldest' ? 'oldest' : 'newest';
}

/** Reads and checks a JSON body for a comment endpoint. */
export async function readCommentBody<S extends z.ZodType>(request: Request, schema: S) {
  const text = await readLimitedBody(request, MAX_COMMENT_REQUEST_BYTES);
  return parseJson(request.headers.get('content-type'), text, schema, MAX_COMMENT_REQUEST_BYTES);
}

/** A comment id from the URL, or null when it is not one (answered as 404 by the endpoints). */
export function commentIdOf(raw: string | undefined): number | null {
  return /^\d{1,15}$/.test(raw ?? '') ? Number(raw) : null;
}
