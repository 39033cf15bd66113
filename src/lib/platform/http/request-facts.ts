import type { ClientOrigin } from './forwarded.ts';

/** The connection a request came on, as the Node server hands it to Astro (locals.socket). */
export interface SocketFacts {
  address: string | undefined;
  encrypted: boolean;
}

/** What a request carries, whichever server received it. */
export interface RequestFacts {
  method: string;
  /** The Host header, or null when the request has none. */
  host: string | null;
  /** The TCP peer's address; undefined once the socket has closed. */
  socketAddress: string | undefined;
  /** The connection itself is TLS. */
  encrypted: boolean;
  /** A request header by lower-case name (joined with ", " when repeated), or null. */
  header: (name: string) => string | null;
  /**
   * clientOrigin of these same facts, when the server has already worked it
   * out for this request (the Node server does, to choose its headers).
   */
  client?: ClientOrigin;
}
