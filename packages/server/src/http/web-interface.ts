import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';
import type { Env } from './env.js';

/** Vite names every file under assets/ by a hash of its content, so a name never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web interface from `dir` as it is on disk at each request, not as it was when
 * the node started: `npm run build` empties the directory and writes files under new names while
 * a node may be running, and a page naming files the build deleted loads as a blank page.
 */
export function webInterfaceRoutes(app: Hono<Env>, dir: string): void {
  const shell = new PageShell(join(dir, 'index.html'));
  app.use(
    '/assets/*',
    serveStatic({
      // The directory is joined here rather than given as `root`, which serveStatic checks once,
      // at start, and warns about on standard error when the interface is not built yet.
      rewriteRequestPath: (path) => join(dir, path),
      onFound: (_path, c) => {
        c.header('Cache-Control', IMMUTABLE);
      },
    }),
  );
  // A file the page asks for and the directory does not hold (a page loaded before a rebuild asks
  // for the files of that build) is a 404 saying so, never the page itself in place of a script.
  app.get('/assets/*', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.text(`${c.req.path} is not part of the web interface this node serves now; it was probably rebuilt since the page was loaded. Reload the page.`, 404);
  });
  // The web interface routes on the client: every other GET gets its shell, which browsers must
  // ask for again each time (no-cache, with an ETag), since it names the current build's files.
  app.get('*', async (c) => {
    const page = await shell.current();
    if (!page) {
      c.header('Cache-Control', 'no-store');
      return c.text('The web interface is not built, or is being rebuilt. Run: npm run build, then reload this page.', 503);
    }
    c.header('Cache-Control', 'no-cache');
    c.header('ETag', page.etag);
    if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim() === page.etag)) return c.body(null, 304);
    return c.html(page.html);
  });
}

interface Page {
  html: string;
  etag: string;
  /** What the file's stat said when it was read; another value means the file was replaced. */
  version: string;
}

/** index.html, read again only when its stat says it changed. */
class PageShell {
  private page: Page | null = null;

  constructor(private readonly file: string) {}

  async current(): Promise<Page | null> {
    const found = await stat(this.file).catch(() => null);
    if (!found?.isFile()) return null;
    const version = `${found.ino}:${found.size}:${found.mtimeMs}:${found.ctimeMs}`;
    if (this.page?.version === version) return this.page;
    // Removed between the stat and the read (a build under way): as not built, this time.
    const html = await readFile(this.file, 'utf8').catch(() => null);
    if (html === null) return null;
    this.page = { html, etag: `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`, version };
    return this.page;
  }
}
