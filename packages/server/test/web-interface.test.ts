import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestNode, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Writes a build as `vite build` does: the directory emptied, then assets named by hash, then the page. */
async function build(dir: string, hash: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'assets', `index-${hash}.js`), `console.log(${JSON.stringify(hash)});\n`);
  await writeFile(join(dir, 'index.html'), `<!doctype html><script type="module" src="/assets/index-${hash}.js"></script>\n`);
}

const scriptOf = (html: string) => /src="([^"]+)"/.exec(html)?.[1];

describe('the web interface of a running node', () => {
  let node: TestNode;
  let dir: string;

  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'parley-web-')), 'dist');
    await build(dir, 'AAAA1111');
    node = await startTestNode({ config: { webDir: dir } });
  });
  afterAll(async () => {
    await node?.close();
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('serves the page of the build on disk after a rebuild, and the files it names', async () => {
    expect(scriptOf(await (await fetch(`${node.url}/consultations`)).text())).toBe('/assets/index-AAAA1111.js');
    await build(dir, 'BBBB2222');
    const page = await fetch(`${node.url}/consultations`);
    const script = scriptOf(await page.text());
    expect(script).toBe('/assets/index-BBBB2222.js');
    const asset = await fetch(`${node.url}${script}`);
    expect([asset.status, asset.headers.get('content-type'), await asset.text()]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log("BBBB2222");\n']);
  });

  it('has browsers ask for the page again each time and keep hashed files for good', async () => {
    await build(dir, 'CCCC3333');
    const page = await fetch(`${node.url}/`);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const etag = page.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    expect((await fetch(`${node.url}/`, { headers: { 'if-none-match': etag ?? '' } })).status).toBe(304);
    await build(dir, 'DDDD4444');
    const changed = await fetch(`${node.url}/`, { headers: { 'if-none-match': etag ?? '' } });
    expect([changed.status, scriptOf(await changed.text())]).toEqual([200, '/assets/index-DDDD4444.js']);
    const asset = await fetch(`${node.url}/assets/index-DDDD4444.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers a file of an earlier build with a 404 that says to reload, not with the page', async () => {
    await build(dir, 'EEEE5555');
    const gone = await fetch(`${node.url}/assets/index-AAAA1111.js`);
    expect([gone.status, gone.headers.get('content-type'), gone.headers.get('cache-control')]).toEqual([404, 'text/plain; charset=UTF-8', 'no-store']);
    expect(await gone.text()).toBe(
      '/assets/index-AAAA1111.js is not part of the web interface this node serves now; it was probably rebuilt since the page was loaded. Reload the page.',
    );
  });

  it('says the interface is not built while the directory is empty, and serves it once it is built again', async () => {
    await rm(dir, { recursive: true, force: true });
    const during = await fetch(`${node.url}/`);
    expect([during.status, await during.text()]).toEqual([503, 'The web interface is not built, or is being rebuilt. Run: npm run build, then reload this page.']);
    await build(dir, 'FFFF6666');
    const after = await fetch(`${node.url}/`);
    expect([after.status, scriptOf(await after.text())]).toEqual([200, '/assets/index-FFFF6666.js']);
  });
});
