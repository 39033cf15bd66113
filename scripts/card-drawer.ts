/**
 * The card drawer's entry, bundled into dist/card-drawer.mjs beside
 * dist/serve.mjs, which starts it as a child process with the first poll
 * card (see src/lib/cards/drawer.server.ts); `astro dev` runs this file.
 */
import { serveCardDraws } from '../src/lib/cards/drawer-child.server.ts';

serveCardDraws();
