import { chmod, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { firstAdminLink } from '@parley/core';
import { createAdaptorServer } from '@hono/node-server';
import { DataDir, type DataDirLock } from '@parley/store';
import { createApp } from './app.js';
import type { NodeConfig } from './config.js';
import { createAppContext, type AppContext, type ContextOptions } from './context.js';
import { createLocalApp } from './local.js';

export interface RunningNodeHandle {
  url: string;
  ctx: AppContext;
  /** A one-time link to set the first administrator's password, while the node has none. */
  firstRunLink: string | null;
  close(): Promise<void>;
}

function listen(server: Server, target: { port: number; host: string } | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = () => {
      server.off('error', reject);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, done);
    else server.listen(target.port, target.host, done);
  });
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/**
 * Starts a node: takes its data directory's lock, opens its store, serves HTTP, and opens the
 * control socket the CLI talks to. Refuses to start while another process holds the directory
 * (a node, or a CLI command that opened the store itself).
 */
export async function startNode(config: NodeConfig, options: ContextOptions = {}): Promise<RunningNodeHandle> {
  const dataDir = new DataDir(config.dataDir);
  const lock = await dataDir.lock({ role: 'node', what: 'parley start' });
  try {
    return await startLocked(dataDir, lock, config, options);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

async function startLocked(dataDir: DataDir, lock: DataDirLock, config: NodeConfig, options: ContextOptions): Promise<RunningNodeHandle> {
  const tls = config.tlsCert && config.tlsKey ? { cert: await readFile(config.tlsCert), key: await readFile(config.tlsKey) } : undefined;
  const ctx = await createAppContext(config, options);
  if (lock.stalePid) {
    ctx.log.warn({ pid: lock.stalePid.pid, pidFile: dataDir.pidFile }, 'removed a pid file left by a node that no longer runs (the pid may now belong to another process)');
  }
  const http = (
    tls ? createAdaptorServer({ fetch: createApp(ctx).fetch, createServer: createHttpsServer, serverOptions: tls }) : createAdaptorServer({ fetch: createApp(ctx).fetch })
  ) as Server;
  const control = createAdaptorServer({ fetch: createLocalApp(ctx).fetch }) as Server;
  try {
    await listen(http, { port: config.port, host: config.host });
    await listen(control, dataDir.socketPath);
    // Owner-only, whatever the umask: holding the socket is holding operator rights.
    await chmod(dataDir.socketPath, 0o600);
  } catch (e) {
    await Promise.all([closeServer(http), closeServer(control)]);
    await ctx.close();
    await dataDir.clearRuntime();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw Object.assign(new Error(`port ${config.port} on ${config.host} is in use. Choose another with --port N.`), { code: 'EADDRINUSE', port: config.port });
    throw e;
  }
  const port = (http.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (!config.publicUrl) {
    ctx.publicUrl = url;
    ctx.domain.publicUrl = url;
  }
  await dataDir.writePid({ pid: process.pid, url, startedAt: new Date().toISOString() });
  const link = await firstAdminLink(ctx.domain);
  ctx.sender.start();
  ctx.evidenceFetcher.start();
  ctx.checkpointer.start();
  ctx.deadlines.start();
  ctx.witness.start();
  ctx.mailer?.start();
  ctx.log.info({ url, store: ctx.store.engine, dataDir: dataDir.path }, 'node started');

  let closed = false;
  return {
    url,
    ctx,
    firstRunLink: link?.link ?? null,
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([closeServer(http), closeServer(control)]);
      await ctx.close();
      await dataDir.clearRuntime();
      await lock.release();
    },
  };
}
