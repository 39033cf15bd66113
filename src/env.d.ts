declare namespace App {
  interface Locals {
    /** The anonymous voter id from the `voter` cookie, or null before the first vote. */
    voterId: string | null;
    /** The signed-in session, or null. */
    session: import('./lib/auth/repo').Session | null;
    /** The signed-in wallet (EIP-55), or null. */
    address: string | null;
  }
}
