import type { Session } from './lib/auth/repo';

declare global {
  namespace App {
    interface Locals {
      /** The anonymous voter id from the `voter` cookie, or null before the first vote. */
      voterId: string | null;
      /** The signed-in session, or null. */
      session: Session | null;
      /** The signed-in wallet (EIP-55), or null. */
      address: string | null;
    }
  }
}

export {};
