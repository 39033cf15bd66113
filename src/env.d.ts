import type { Session } from './lib/auth/repo.server';

declare global {
  namespace App {
    interface Locals {
      /** The anonymous voter id from the `voter` cookie, or null before the first vote. */
      voterId: string | null;
      /** The signed-in session, or null. */
      session: Session | null;
      /** The signed-in wallet (EIP-55), or null. */
      address: string | null;
      /** The client's IP address (behind a trusted proxy, the one it forwarded); '' on prerendered pages. */
      clientAddress: string;
      /** The reader came over HTTPS, directly or through a trusted proxy: cookies get Secure. */
      secure: boolean;
      /**
       * The site's origin for absolute URLs and sign-in (request-context.server.ts); never taken from a Host
       * the site does not answer for. The build's origin on prerendered pages.
       */
      origin: string;
    }
  }
}

export {};
