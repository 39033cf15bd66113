declare namespace App {
  interface Locals {
    /** The anonymous voter id from the `voter` cookie, or null before the first vote. */
    voterId: string | null;
  }
}
