import type { PollResults } from '../lib/polls/results';

/**
 * Live results for every poll widget on a page, over one stream: the server
 * counts streams per client (MAX_STREAMS_PER_CLIENT, which readers behind a
 * NAT share), so a page costs one however many polls it shows.
 *
 * EventSource reconnects by itself after a dropped or ended stream, as the
 * server's `retry:` says, but gives up on any answer that is not a stream,
 * without saying which. Then the page asks the same URL once with fetch,
 * which does: refused (429, 503, or anything but a stream), it keeps what
 * it shows, re-reads each poll every `refreshEvery` seconds while visible,
 * and opens the stream again after the answer's Retry-After.
 */

type Listener = (results: PollResults) => void;

/** What a refusal that says nothing else (a proxy's 502, or no answer) is taken to mean, in seconds. */
const DEFAULT_REFRESH_EVERY = 30;
const DEFAULT_RETRY_AFTER = 30;
/** After a probe that was let in after all: long enough for the server to see it go before EventSource asks. */
const AFTER_PROBE_MS = 3000;

const listeners = new Map<string, Set<Listener>>();
/** The open stream, and the poll ids it follows. */
let source: { events: EventSource; ids: string } | null = null;
let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
/** While refused: the re-reads' timer and interval. */
let refresh: { timer: ReturnType<typeof setInterval>; everyMs: number; lastAt: number } | null = null;
let paused = false;

/** Follows a poll's results; returns what stops following them. */
export function follow(pollId: string, listener: Listener): () => void {
  let set = listeners.get(pollId);
  if (!set) listeners.set(pollId, (set = new Set()));
  set.add(listener);
  changed();
  return () => {
    set.delete(listener);
    if (set.size === 0) listeners.delete(pollId);
    changed();
  };
}

/** Opens the stream afresh: after a vote, the server may show this reader what it hid before. */
export function reopen(): void {
  if (source) connect();
}

/** The polls followed changed: the stream follows them, unless a refusal's wait is still running. */
function changed(): void {
  if (refresh || reconnectTimer || paused) return;
  if (source?.ids === [...listeners.keys()].join(',')) return;
  // Widgets that arrive together (server islands) share the first stream.
  reconnectTimer = setTimeout(connect, 0);
}

function connect(): void {
  if (reconnectTimer) clearTimeout(reconnectTimer);
  reconnectTimer = null;
  source?.events.close();
  source = null;
  const ids = [...listeners.keys()];
  if (ids.length === 0 || paused) return stopRefreshing();
  const [first = '', ...rest] = ids.map(encodeURIComponent);
  const url = `/api/polls/${first}/events${rest.length > 0 ? `?also=${rest.join(',')}` : ''}`;
  const events = new EventSource(url);
  source = { events, ids: ids.join(',') };
  events.addEventListener('open', stopRefreshing);
  events.addEventListener('tally', (event) => deliver(JSON.parse((event as MessageEvent<string>).data)));
  events.addEventListener('error', () => {
    // CONNECTING: a drop, which EventSource mends itself. CLOSED: it was answered with something else.
    if (events.readyState !== EventSource.CLOSED || source?.events !== events) return;
    source = null;
    void probe(url);
  });
}

/** Asks why the stream was refused, and waits as the answer says, re-reading meanwhile. */
async function probe(url: string): Promise<void> {
  const controller = new AbortController();
  let response: Response | null = null;
  try {
    response = await fetch(url, {
      headers: { accept: 'text/event-stream' },
      cache: 'no-store',
      signal: controller.signal,
    });
  } catch {
    // No answer at all: wait as for a refusal that says nothing.
  }
  // Let in this time: give the place back, and open the stream once the server has seen this one go.
  if (response?.ok || source || paused) {
    controller.abort();
    if (!source && !paused) reconnectTimer = setTimeout(connect, AFTER_PROBE_MS);
    return;
  }
  const body = (await response?.json().catch(() => null)) as { refreshEvery?: unknown } | null | undefined;
  const every = typeof body?.refreshEvery === 'number' && body.refreshEvery > 0 ? body.refreshEvery : null;
  startRefreshing((every ?? DEFAULT_REFRESH_EVERY) * 1000);
  const retryAfter = Number(response?.headers.get('retry-after'));
  const wait = (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : DEFAULT_RETRY_AFTER) * 1000;
  // Spread a little, so pages refused together do not come back together.
  reconnectTimer = setTimeout(connect, wait * (1 + Math.random() / 2));
}

function deliver(results: PollResults): void {
  for (const listener of listeners.get(results.id) ?? []) listener(results);
}

function startRefreshing(everyMs: number): void {
  if (refresh?.everyMs === everyMs) return;
  stopRefreshing();
  refresh = { timer: setInterval(refreshIfVisible, everyMs), everyMs, lastAt: Date.now() };
}

function stopRefreshing(): void {
  if (refresh) clearInterval(refresh.timer);
  refresh = null;
}

/** Re-reads every followed poll, unless the page is hidden (a background tab asks nothing). */
function refreshIfVisible(): void {
  if (!refresh || document.visibilityState !== 'visible') return;
  refresh.lastAt = Date.now();
  for (const id of listeners.keys()) {
    void fetch(`/api/polls/${encodeURIComponent(id)}`, { cache: 'no-store' })
      .then((response) => (response.ok ? (response.json() as Promise<PollResults>) : null))
      .then((results) => results && deliver(results))
      .catch(() => {});
  }
}

// Shown again after a re-read fell due while hidden: re-read now rather than at the next tick.
document.addEventListener('visibilitychange', () => {
  if (refresh && Date.now() - refresh.lastAt >= refresh.everyMs) refreshIfVisible();
});
// An open stream keeps the page out of the back/forward cache: close it on the way out, open it on return.
window.addEventListener('pagehide', () => {
  paused = true;
  source?.events.close();
  source = null;
  if (reconnectTimer) clearTimeout(reconnectTimer);
  reconnectTimer = null;
  stopRefreshing();
});
window.addEventListener('pageshow', (event) => {
  paused = false;
  // The stream's first events bring the counts up to date.
  if (event.persisted) connect();
});
