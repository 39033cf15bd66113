import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { BlockList } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import {
  changesState,
  isStreamResult,
  problemResult,
  unavailableResult,
  type ApiResult,
  type StreamResult,
} from './results.ts';
import { isDatabaseUnavailable } from '../db/db.server.ts';
import type { Drain } from '../runtime/drain.server.ts';
import type { RequestFacts, SocketFacts } from './request-facts.ts';
import type { SiteOrigin } from './site-origin.ts';
import { clientOrigin, type ClientOrigin } from './forwarded.ts';
import { securityHeaders } from './security-headers.ts';
import { serveStatic, type StaticFile } from './static-files.server.ts';
import { LogThrottle } from '../runtime/log.ts';
import { ROUTABLE_METHODS, routePatternRegex, screenRequest, type RouteTable } from './routes.ts';
import { etagMatches, PRIVATE_PAGE_CACHE, SHARED_PAGE_CACHE } from './etag.ts';
import { PageMemory, watchPage } from './page-memory.server.ts';

/**
 * The site's HTTP server, answering in three tiers: prerendered files from
 * memory (compressed ahead of time); a few hot endpoints straight from their
 * handlers (fast routes, which features declare beside the functions their
 * Astro endpoint files call), skipping Astro's page pipeline; everything
 * else by Astro. Both of the last two tiers learn who is asking from the one
 * request context.
 */

/**
 * A hot endpoint answered without Astro, given the application's services and the request's context. It is
 * declared against the file route it speeds up, whose endpoint answers the path under `astro dev`.
 */
export interface FastRoute<S, C> {
  method: 'GET' | 'POST';
  /** The file route's pattern as written in src/pages and listed in dist/routes.json: `/api/polls/[id]/votes`. */
  route: string;
  /**
   * What each `[name]` in `route` may be, as a regular expression's source (see routePatternRegex); a path
   * whose segment is anything else is not this fast route's, and goes on to Astro.
   */
  params?: Readonly<Record<string, string>>;
  answer(request: {
    services: S;
    /** The route's parameters, by name, as they stand in the path. */
    params: Readonly<Partial<Record<string, string>>>;
    req: IncomingMessage;
    reader: C;
    now: number;
  }): Promise<ApiResult | StreamResult>;
}

/**
 * A page rendered on demand that may be sent from memory (PageMemory). Declared against its file route, like
 * a fast route; Astro still renders it, once per version.
 */
export interface PageRoute<S, C> {
  /** The file route's pattern, as in dist/routes.json: `/[...locale]/polls/[id]`. */
  route: string;
  /** Each parameter's pattern (a rest parameter, the language prefix, needs one). */
  params?: Readonly<Record<string, string>>;
  /**
   * Everything the page's body is built from, as one string: the data's versions, what the clock decides
   * (open or closed, "ends in 3 days"), the query parameters the page reads, the origin it writes, and the
   * reader's own part (their ballot, signed in or not). Two requests with the same version get the same
   * bytes. Null: this request's page is rendered afresh (an unknown id: Astro answers 404).
   */
  version(request: {
    services: S;
    params: Readonly<Partial<Record<string, string>>>;
    url: URL;
    reader: C;
    now: number;
  }): Promise<string | null>;
}

/**
 * What the application tells the server about itself: its services, handed to fast routes, and its one
 * request context, read for every fast-route request as the middleware reads it for Astro's. The server
 * knows no feature: who a reader is, and which cookie a session needs, are the application's to say.
 */
export interface Application<S, C> {
  services: S;
  /** The origin the site answers for (a write naming another Host is the request context's to refuse). */
  site: SiteOrigin;
  /** Peers whose X-Forwarded-For and X-Forwarded-Proto are believed (TRUSTED_PROXIES). */
  trustedProxies: BlockList;
  /** The most connections held at once: short of the open-file limit (see connection-limits.ts). */
  maxConnections: number;
  /** The request's context: who asks, over what, from where. Database errors propagate (answered 503). */
  readContext(facts: RequestFacts, now: number): Promise<C>;
  /** An answer refusing the request before any route runs (a write to another Host, a cross-site write), or null. */
  refusal(context: C): ApiResult | null;
  /** A route's answer as the context says it must leave (a session cookie refreshed or deleted, say). */
  finish<R extends ApiResult | StreamResult>(result: R, context: C): R;
  /** Whether the reader carries state of their own (a voter or session cookie): their pages are private. */
  hasReaderState(context: C): boolean;
}

/** Astro's request handler in middleware mode; `locals` reach src/middleware.ts. */
export type AstroHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
  locals: { socket: SocketFacts },
) => Promise<void>;

export interface SiteServerOptions<S, C> {
  app: Application<S, C>;
  staticFiles: Map<string, StaticFile>;
  fastRoutes: readonly FastRoute<S, C>[];
  /** Pages rendered on demand that are sent from memory while their version holds. */
  pageRoutes?: readonly PageRoute<S, C>[];
  pageMemory?: PageMemory;
  /** The build's file routes and their methods (dist/routes.json): what the door lets through to Astro. */
  routes: RouteTable;
  astro: AstroHandler;
  /** What Astro answers when it has no route. */
  /** The 404 page for a path (each language has its own), a prerendered file with its policies. */
  notFoundPage: (pathname: string) => StaticFile | null;
  drain: Drain;
  /** Told of every request, so that it can tell when the instance is idle (IdleCollector). */
  idle?: { touch(): void } | null;
}

export function createSiteServer<S, C>(options: SiteServerOptions<S, C>): Server {
  const { staticFiles, drain } = options;
  const fastRoutes = options.fastRoutes.map((route) => ({
    route,
    regex: routePatternRegex(route.route, route.params),
  }));
  const pageRoutes = (options.pageRoutes ?? []).map((route) => ({
    route,
    regex: routePatternRegex(route.route, route.params),
  }));
  const memory = options.pageMemory ?? new PageMemory();
  // Every tier's answer carries these; HSTS only when the client reached us over TLS.
  const headersWhen = { secure: Object.entries(securityHeaders(true)), plain: Object.entries(securityHeaders(false)) };
  // The same for static files, as one flat list, and with the drain's `Connection: close` (see Drain.admit).
  const flat = (pairs: [string, string][]) => ({
    open: pairs.flat(),
    draining: [...pairs.flat(), 'connection', 'close'],
  });
  const flatWhen = { secure: flat(headersWhen.secure), plain: flat(headersWhen.plain) };
  const commonNames = new Set(headersWhen.plain.map(([name]) => name));
  const server = createServer(CONNECTION_TIMEOUTS, (req, res) => {
    options.idle?.touch();
    const client = clientOf(options, req);
    const secure = client.secure;
    const common = flatWhen[secure ? 'secure' : 'plain'][drain.draining ? 'draining' : 'open'];
    // A static file is answered, its headers in one list, before this returns; only slower answers need tracking.
    if (serveStatic(staticFiles, req, res, common)) return;
    drain.track(res);
    // A fast route writes the same list ahead of its own headers, in its one writeHead.
    if (serveFastRoute(options, fastRoutes, req, res, common, client)) return;
    const toAstro = (): void => {
      if (refusedAtTheDoor(options, req, res, common)) return;
      drain.admit(res);
      for (const [name, value] of secure ? headersWhen.secure : headersWhen.plain) res.setHeader(name, value);
      void options.astro(
        req,
        res,
        (error) => {
          if (error) return crash(res, error, []);
          // Astro found no route.
          const page = options.notFoundPage(new URL(req.url ?? '/', 'http://x').pathname);
          const headers: OutgoingHttpHeaders = { 'content-type': 'text/html; charset=utf-8' };
          if (page?.policies) headers['content-security-policy'] = page.policies.join(', ');
          res.writeHead(404, headers);
          res.end(page?.identity ?? 'Not found');
        },
        { socket: socketOf(req) },
      );
    };
    // A page sent from memory writes the same list ahead of its own headers; one rendered goes on to Astro.
    if (servePage({ app: options.app, pageRoutes, memory, req, res, common, commonNames, client, toAstro })) return;
    toAstro();
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  // Short of the open-file limit, so the database, the vote writer and the snapshot child can still open files.
  server.maxConnections = options.app.maxConnections;
  return server;
}

/** Node's own answers to a request it could not parse (socketOnError in node:_http_server). */
const PARSE_ERROR_STATUS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};

/**
 * Node's parser refuses a method it does not know (TRACK, say) before any
 * request exists, with a bare 400; the door's answer is a 405 naming the
 * methods the site takes (the path is not known here). Every other parse
 * error gets the answer Node gives when nobody listens for them.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const half = socket as Duplex & { _httpMessage?: { headersSent?: boolean } };
  if (socket.writable && !half._httpMessage?.headersSent) {
    if (error.code === 'HPE_INVALID_METHOD') {
      const body = problemResult(405, 'method_not_allowed', 'This site does not take that method.').body;
      socket.write(
        `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${ROUTABLE_METHODS.join(', ')}\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
    } else {
      socket.write(
        `HTTP/1.1 ${PARSE_ERROR_STATUS[error.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`,
      );
    }
  }
  socket.destroy(error);
}

// A flood of refusals logs one line a minute per kind, not one per request.
const refusals = new LogThrottle(60_000);

/**
 * Refuses what Astro should never see (see screenRequest): a method the
 * route does not serve, or a malformed address. Returns false to let the
 * request through.
 */
function refusedAtTheDoor<S, C>(
  options: SiteServerOptions<S, C>,
  req: IncomingMessage,
  res: ServerResponse,
  common: readonly string[],
): boolean {
  const method = req.method ?? 'GET';
  const screened = screenRequest(options.routes, method, req.url ?? '/');
  if (screened.pass) return false;
  // A write naming another Host is answered 421 before anything else (the request context decides it, in the
  // middleware): let Astro carry any method it can, so that rule comes first.
  if (
    screened.reason === 'method' &&
    ROUTABLE_METHODS.includes(method as (typeof ROUTABLE_METHODS)[number]) &&
    changesState(method) &&
    options.app.site.originFor(req.headers.host ?? '') === null
  )
    return false;
  const line =
    screened.result.status >= 400 &&
    refusals.admit(
      `${screened.reason} ${screened.result.status}`,
      `sentiment-desk: refused ${req.method} ${req.url} (${screened.result.status}: ${screened.reason})`,
      Date.now(),
    );
  if (line) console.warn(line);
  // A body the client may still be sending is not read.
  req.resume();
  send(res, screened.result, common);
  return true;
}

/**
 * A request's head must arrive within 10 s and the whole request within 30 s
 * (Node's defaults, 60 s and 300 s, let a client that sends a head byte by
 * byte hold a connection for minutes). requestTimeout ends when the request
 * has been received, not the response, so a live stream, a GET, is not cut
 * by it. Node looks for overdue requests every connectionsCheckingInterval
 * (30 s by default, which would add up to 30 s to each); the check walks
 * only connections with a request under way.
 */
const CONNECTION_TIMEOUTS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 };

/** A fast route with the matcher its file route's pattern gives it. */
interface MatchedFastRoute<S, C> {
  route: FastRoute<S, C>;
  /** Matched against the path without its query string. */
  regex: RegExp;
}

/** Answers a request that a fast route takes; returns false for anything else. */
function serveFastRoute<S, C>(
  options: SiteServerOptions<S, C>,
  fastRoutes: readonly MatchedFastRoute<S, C>[],
  req: IncomingMessage,
  res: ServerResponse,
  common: readonly string[],
  client: ClientOrigin,
): boolean {
  const path = (req.url ?? '').split('?', 1)[0] ?? '';
  for (const { route, regex } of fastRoutes) {
    if (route.method !== req.method) continue;
    const match = regex.exec(path);
    if (!match) continue;
    void answerFastRoute(options.app, route, match.groups ?? {}, req, client).then(
      (result) => (isStreamResult(result) ? sendStream(res, result, common, options.idle) : send(res, result, common)),
      (error) => crash(res, error, common),
    );
    return true;
  }
  return false;
}

async function answerFastRoute<S, C>(
  app: Application<S, C>,
  route: FastRoute<S, C>,
  params: Readonly<Partial<Record<string, string>>>,
  req: IncomingMessage,
  client: ClientOrigin,
): Promise<ApiResult | StreamResult> {
  const now = Date.now();
  const reader = await app.readContext(nodeRequestFacts(req, client), now);
  const refusal = app.refusal(reader);
  if (refusal) {
    req.resume();
    return refusal;
  }
  return app.finish(await route.answer({ services: app.services, params, req, reader, now }), reader);
}

/** A page route with the matcher its file route's pattern gives it. */
interface MatchedPageRoute<S, C> {
  route: PageRoute<S, C>;
  regex: RegExp;
}

interface PageRequest<S, C> {
  app: Application<S, C>;
  pageRoutes: readonly MatchedPageRoute<S, C>[];
  memory: PageMemory;
  req: IncomingMessage;
  res: ServerResponse;
  common: readonly string[];
  /** The names in `common`, which a kept page does not keep. */
  commonNames: ReadonlySet<string>;
  client: ClientOrigin;
  /** Renders the request through Astro, as any other page. */
  toAstro: () => void;
}

/**
 * Sends a page route's page from memory when its version is kept, or has
 * Astro render it and keeps what it sent (GET only: HEAD renders no body).
 * Either way the ETag is the body's, and If-None-Match gets a 304. Returns
 * false for a request no page route takes.
 */
function servePage<S, C>(request: PageRequest<S, C>): boolean {
  const { req, res, pageRoutes } = request;
  const method = req.method;
  if ((method !== 'GET' && method !== 'HEAD') || pageRoutes.length === 0) return false;
  const path = (req.url ?? '').split('?', 1)[0] ?? '';
  for (const { route, regex } of pageRoutes) {
    const match = regex.exec(path);
    if (!match) continue;
    void answerPage(request, route, match.groups ?? {}).catch((error: unknown) => crash(res, error, request.common));
    return true;
  }
  return false;
}

async function answerPage<S, C>(
  { app, memory, req, res, common, commonNames, client, toAstro }: PageRequest<S, C>,
  route: PageRoute<S, C>,
  params: Readonly<Partial<Record<string, string>>>,
): Promise<void> {
  const now = Date.now();
  const reader = await app.readContext(nodeRequestFacts(req, client), now);
  const url = new URL(req.url ?? '/', 'http://localhost');
  const version = await route.version({ services: app.services, params, url, reader, now });
  if (version === null) return toAstro();
  const key = `${route.route}\n${version}`;
  let kept = memory.get(key, now);
  const render = kept || req.method !== 'GET' ? undefined : memory.renderOf(key);
  if (render) {
    await render;
    kept = memory.get(key, Date.now());
  }
  if (!kept) {
    if (req.method === 'GET') {
      const over = memory.startRender(key);
      // An answer that never ends (the client went, Astro failed) ends the render too.
      res.once('close', over);
      watchPage(res, commonNames, (page) => {
        if (page) memory.set(key, page);
        over();
      });
    }
    return toAstro();
  }
  const shared = !app.hasReaderState(reader);
  const fresh = etagMatches(req.headers['if-none-match'], kept.etag);
  const headers: Record<string, string> = {
    ...kept.headers,
    etag: kept.etag,
    'cache-control': shared ? SHARED_PAGE_CACHE : PRIVATE_PAGE_CACHE,
    vary: 'Cookie',
  };
  if (fresh) delete headers['content-type'];
  else headers['content-length'] = String(kept.body.length);
  // The body stays out of the result: finish only adds headers, and the kept bytes go as they are.
  const result = app.finish({ status: fresh ? 304 : kept.status, headers, body: '' }, reader);
  sendPage(res, result, common, req.method === 'HEAD' || fresh ? null : kept.body);
}

/** A kept page after `common`, or its 304; a HEAD gets the head alone, its length the page's. */
function sendPage(res: ServerResponse, result: ApiResult, common: readonly string[], body: Buffer | null): void {
  res.writeHead(result.status, headList(common, result.headers));
  res.end(body ?? undefined);
}

/** Who sent a request, and whether over TLS, directly or by a trusted proxy's X-Forwarded-Proto. */
function clientOf<S, C>(options: SiteServerOptions<S, C>, req: IncomingMessage): ClientOrigin {
  const socket = socketOf(req);
  const proto = req.headers['x-forwarded-proto'];
  const forwardedFor = req.headers['x-forwarded-for'];
  return clientOrigin(
    {
      socketAddress: socket.address,
      encrypted: socket.encrypted,
      forwardedFor: Array.isArray(forwardedFor) ? forwardedFor.join(', ') : forwardedFor,
      forwardedProto: Array.isArray(proto) ? proto[0] : proto,
    },
    options.app.trustedProxies,
  );
}

function socketOf(req: IncomingMessage): SocketFacts {
  return { address: req.socket.remoteAddress, encrypted: Boolean((req.socket as TLSSocket).encrypted) };
}

function nodeRequestFacts(req: IncomingMessage, client: ClientOrigin): RequestFacts {
  const socket = socketOf(req);
  return {
    client,
    method: req.method ?? 'GET',
    host: req.headers.host ?? null,
    socketAddress: socket.address,
    encrypted: socket.encrypted,
    header: (name) => {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/**
 * Writes an answer after `common`, the flat list of headers every answer
 * carries (empty where they were already set on `res`), in one writeHead as
 * static files are written. No result header repeats one of `common`.
 */
function send(res: ServerResponse, result: ApiResult, common: readonly string[]): void {
  const headers = headList(common, result.headers);
  // writeHead fixes the head before end() sees the body, so without a length Node frames the body as chunks:
  // four more pieces per answer for writev. With it, head and body leave in one write.
  headers.push('content-length', String(Buffer.byteLength(result.body)));
  res.writeHead(result.status, headers);
  res.end(result.body);
}

/**
 * Starts a stream after `common`; it stops when the connection closes,
 * which also counts as activity for the idle collector, so the memory a
 * burst of streams held is given back once they have gone.
 */
function sendStream(
  res: ServerResponse,
  result: StreamResult,
  common: readonly string[],
  idle: SiteServerOptions<unknown, unknown>['idle'],
): void {
  const headers = headList(common, result.headers);
  res.writeHead(result.status, headers);
  const stop = result.start({
    write: (chunk) => void res.write(chunk),
    end: () => res.end(),
    backlog: () => res.writableLength,
  });
  const gone = (): void => {
    stop();
    idle?.touch();
  };
  // The client may have gone while the stream was being opened: its 'close' has been and will not come again.
  if (res.destroyed) gone();
  else res.once('close', gone);
}

/** `common` followed by a result's headers, as one flat list for writeHead. */
function headList(common: readonly string[], own: ApiResult['headers']): string[] {
  const headers = [...common];
  for (const [name, value] of Object.entries(own)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.push(name, item);
  }
  return headers;
}

function crash(res: ServerResponse, error: unknown, common: readonly string[]): void {
  if (isDatabaseUnavailable(error)) {
    if (!res.headersSent) return send(res, unavailableResult(), common);
    return void res.end();
  }
  console.error('sentiment-desk: unhandled request error', error);
  if (!res.headersSent) res.writeHead(500, [...common, 'content-type', 'application/json; charset=utf-8']);
  res.end('{"error":"internal","message":"Something went wrong on our side."}');
}
