import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * A value someone wrote (a name, a title, a file name) as the interface puts it inside one of its
 * sentences: between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE, so that its
 * direction cannot reorder the sentence around it.
 */
export const isolated = (value: string) => `\u2068${value}\u2069`;

/**
 * The language and time zone of every browser context a suite opens, unless a test sets its own
 * (the language suite sets fr-CH to see the interface follow the browser). Chromium would take
 * them from the machine: a suite passing here could then fail on a machine elsewhere, and on a
 * French one the interface would open in French. en-US because the interface's English writes
 * dates as Intl's `en` does ("Nov 28, 2026"); UTC because the case files give times in UTC.
 */
export const CONTEXT_DEFAULTS = { locale: 'en-US', timezoneId: 'UTC' } as const;

/**
 * Debian's Chromium, headless, with the flags DEVELOPERS.md prescribes, whose contexts (and
 * `newPage`, which opens one) take `CONTEXT_DEFAULTS` unless told otherwise: set here, once, so
 * that no suite can forget them.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error('Chromium is required: apt-get install -y chromium');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = (options = {}) => newContext({ ...CONTEXT_DEFAULTS, ...options });
  return browser;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const cliBin = join(root, 'packages/cli/dist/bin.js');
const axePath = join(root, 'node_modules/axe-core/axe.min.js');

/** The test's own environment, without settings that would point the node elsewhere. */
function nodeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'PARLEY_PUBLIC_URL', 'PARLEY_DATA', 'PARLEY_HOST', 'PARLEY_PORT', 'PARLEY_STATE', 'PARLEY_NAME']) delete env[name];
  return env;
}

export interface CliNode {
  /** http://127.0.0.1:PORT, from the "Web and API:" line. */
  url: string;
  /** The first-administrator link the node prints on its first start. */
  setupLink: string;
  /** The key fingerprint the node printed. */
  fingerprint: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * How long a browser suite waits for a node to be ready. Idle, a node is ready in a few seconds;
 * in CI two cores run this suite's two nodes, Chromium and other suites at once, and a first
 * start (key, PGlite's WebAssembly, migrations) has been seen to take over 45 s. The limit only
 * bounds a failure: a ready node is used the moment it says so, whatever the limit.
 */
export const NODE_START_MS = 150_000;

/** A suite's beforeAll limit: its nodes' start, plus `afterMs` for what it does with them. */
export const setupTimeout = (afterMs: number) => NODE_START_MS + afterMs;

/** What the test waits to read on the node's standard error, in the order the node prints it. */
const READY_STEPS = [
  { what: 'that it created the node', pattern: /^First start: created node/m, before: 'loading Node and the CLI, checking the port, creating the key' },
  { what: 'its address ("Web and API:")', pattern: /Web and API:\s+http:\/\/\S+/, before: 'opening the store (PGlite) and migrating it, then listening' },
  { what: 'its key fingerprint ("Key:")', pattern: /Key:\s+SHA256:\S+/, before: 'printing its address' },
  { what: 'where its first-run link is', pattern: /password \(valid 24 hours\) is in \S+, readable only/, before: 'writing the first-run link' },
] as const;

/** The last `lines` lines of a process's output, to quote in a failure. */
function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  const shown = all.slice(-lines).map((l) => `    | ${l}`).join('\n');
  if (!text.trim()) return '    (nothing)';
  return all.length > lines ? `    (last ${lines} of ${all.length} lines)\n${shown}` : shown;
}

/**
 * Why a node did not become ready: what the test was waiting for, what of it the node had said
 * and when, whether the process is still alive, how loaded the machine was, and what the node
 * wrote on standard error. A bare "timed out" tells the reader of a CI log nothing.
 */
export function notReadyMessage(o: { state: string; pid: number | undefined; reason: string; elapsedMs: number; seen: Map<string, number>; stderr: string }): string {
  const steps = READY_STEPS.map(({ what }) => {
    const at = o.seen.get(what);
    return `    ${at === undefined ? '[ ]' : '[x]'} ${what}${at === undefined ? '' : ` (after ${(at / 1000).toFixed(1)} s)`}`;
  });
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  const next = READY_STEPS.find(({ what }) => !o.seen.has(what));
  return [
    `node ${o.state} (pid ${o.pid ?? 'none'}) was not ready: ${o.reason}, ${(o.elapsedMs / 1000).toFixed(1)} s after it was started.`,
    'The test waits for the node to print on standard error:',
    ...steps,
    ...(next ? [`So the node was still ${next.before}.`] : []),
    `Load average (1, 5, 15 min): ${load} on ${availableParallelism()} cores.`,
    "The node's standard error:",
    tail(o.stderr),
  ].join('\n');
}

/**
 * Runs the built `parley start --init-if-needed` as a real child process on a free loopback port,
 * in a fresh data directory, and reads its address from standard error and its first-run link
 * from the file standard error names.
 */
export async function startCliNode(options: { state?: string; timeoutMs?: number } = {}): Promise<CliNode> {
  if (!existsSync(cliBin)) throw new Error(`${cliBin} is missing: run npm run build first`);
  const state = options.state ?? 'XAA';
  const timeoutMs = options.timeoutMs ?? NODE_START_MS;
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-e2e-'));
  const started = Date.now();
  const child = spawn(process.execPath, [cliBin, 'start', '--init-if-needed', '--state', state, '--data', dataDir, '--host', '127.0.0.1', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: nodeEnv(),
  });
  let stderr = '';
  const seen = new Map<string, number>();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    for (const { what, pattern } of READY_STEPS) if (!seen.has(what) && pattern.test(stderr)) seen.set(what, Date.now() - started);
  });
  const failure = (reason: string) => new Error(notReadyMessage({ state, pid: child.pid, reason, elapsedMs: Date.now() - started, seen, stderr }));

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const found = await new Promise<{ url: string; setupLink: string; fingerprint: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(failure(`it was still running when the limit of ${timeoutMs / 1000} s passed`)), timeoutMs);
      const look = () => {
        const url = /Web and API:\s+(http:\/\/\S+)/.exec(stderr)?.[1];
        const fingerprint = /Key:\s+(SHA256:\S+)/.exec(stderr)?.[1];
        // Standard error is no terminal here, so the node writes its first-run link to a file.
        const linkFile = /password \(valid 24 hours\) is in (\S+), readable only/.exec(stderr)?.[1];
        if (url && fingerprint && linkFile) {
          clearTimeout(timer);
          child.stderr!.off('data', look);
          readFile(linkFile, 'utf8').then(
            (link) => resolve({ url, setupLink: link.trim(), fingerprint }),
            (e: Error) => reject(failure(`its first-run link file could not be read (${e.message})`)),
          );
        }
      };
      child.stderr!.on('data', look);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(failure(`the process exited with code ${code} (signal ${child.signalCode ?? 'none'})`));
      });
    });
    return { ...found, dataDir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core in the page and returns the violations of impact serious or critical. The script
 * is evaluated through the DevTools protocol rather than added as a <script> tag: the node's CSP
 * (script-src 'self') rightly refuses inline scripts, and the page is tested under that CSP.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(axePath, 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Whether the page is wider than its viewport, which on a phone means a horizontal scrollbar. */
export function scrollsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/**
 * Asks `check` again every `intervalMs` until it answers true; fails, naming `what`, once
 * `timeoutMs` has passed. For what another node does in its own time, such as delivering a message.
 */
export async function eventually(what: string, check: () => Promise<boolean>, { timeoutMs = 30_000, intervalMs = 500 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface Person {
  email: string;
  name: string;
  password: string;
}

/** Opens the first-run link a node printed and sets up its first administrator, who is then signed in. */
export async function setUpFirstAdmin(page: Page, node: Pick<CliNode, 'setupLink'>, admin: Person): Promise<void> {
  await page.goto(node.setupLink);
  await page.getByRole('heading', { level: 1, name: 'Set up the first administrator' }).waitFor();
  await page.getByLabel('Your e-mail address').fill(admin.email);
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByLabel('Repeat the password').fill(admin.password);
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'This node' }).waitFor();
}

/**
 * Invites `person` as an officer through the administrator signed in to `admin`, and has them set
 * their password in a browser context of their own; returns their signed-in page, watched for CSP
 * reports into `violations`.
 */
export async function inviteOfficer(browser: Browser, admin: BrowserContext, node: CliNode, person: Person, violations: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const api = await sessionApi(admin, node.url);
  const invited = await api('POST', '/users', { email: person.email, displayName: person.name, role: 'officer' });
  if (invited.status !== 201) throw new Error(`could not invite ${person.email}: HTTP ${invited.status}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = watchPage(await context.newPage(), violations);
  await page.goto(new URL((invited.body as { setupLink: string }).setupLink, node.url).href);
  await page.getByRole('heading', { level: 1, name: 'Set up your account' }).waitFor();
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByLabel('Repeat the password').fill(person.password);
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'This node' }).waitFor();
  return { context, page };
}

export type ApiCall = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;

/**
 * The node's API (/api/v1) as the person signed in to `context`: the browser's session cookie,
 * and the CSRF token the node issues for that session, as the web interface itself sends them.
 */
export async function sessionApi(context: BrowserContext, baseUrl: string): Promise<ApiCall> {
  const session = await context.request.get(`${baseUrl}/api/v1/auth/session`);
  if (!session.ok()) throw new Error(`no session at ${baseUrl}: HTTP ${session.status()}`);
  const { csrfToken } = (await session.json()) as { csrfToken: string };
  return async (method, path, body) => {
    const res = await context.request.fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'X-CSRF-Token': csrfToken, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { data: JSON.stringify(body) }),
    });
    return { status: res.status(), body: await res.json().catch(() => undefined) };
  };
}

/**
 * Makes a page fail fast (10 s per step) and collects into `violations` every Content Security
 * Policy report the browser logs, so a suite can assert that no page broke the node's CSP.
 */
export function watchPage(p: Page, violations: string[]): Page {
  p.setDefaultTimeout(10_000);
  p.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) violations.push(`${p.url()}: ${m.text()}`);
  });
  return p;
}
