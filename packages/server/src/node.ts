import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { createSecureContext } from 'node:tls';
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

function listen(server: NetServer, target: { port: number; host: string } | string): Promise<void> {
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

/** Why the node cannot listen on its host and port, in words that name the setting to change. */
function listenError(e: NodeJS.ErrnoException, config: NodeConfig): Error {
  switch (e.code) {
    case 'EADDRINUSE':
      return Object.assign(new Error(`port ${config.port} on ${config.host} is in use, by another node or program. Choose another with --port N, or PARLEY_PORT=N (as with npm start).`), { code: 'EADDRINUSE', port: config.port });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return new Error(`cannot listen on ${config.host}: it is not an address of this machine. Choose one with --host (127.0.0.1 for this machine only, 0.0.0.0 for all its addresses).`);
    case 'EACCES':
      return new Error(`not allowed to listen on port ${config.port}: ports below 1024 need privileges. Choose another with --port N, behind a reverse proxy.`);
    default:
      return new Error(`cannot listen on ${config.host} port ${config.port}: ${e.message}`);
  }
}

/** The TLS certificate and key files, each refused in words when it is missing or is not what it should be. */
async function readTls(certFile: string, keyFile: string): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a directory' : `cannot be read: ${(e as Error).message}`;
      throw new Error(`the TLS ${what} file ${file} ${why}.`);
    }
  };
  const cert = await read(certFile, 'certificate');
  const key = await read(keyFile, 'key');
  try {
    new X509Certificate(cert);
  } catch {
    throw new Error(`the TLS certificate file ${certFile} is not a PEM certificate (it should begin with -----BEGIN CERTIFICATE-----).`);
  }
  try {
    createPrivateKey(key);
  } catch {
    throw new Error(`the TLS key file ${keyFile} is not a PEM private key, or is encrypted (it should begin with -----BEGIN PRIVATE KEY-----).`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    const mismatch = (e as NodeJS.ErrnoException).code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' || /key values mismatch/.test((e as Error).message);
    throw new Error(mismatch ? `the TLS key file ${keyFile} is not the key of the certificate in ${certFile}.` : `cannot use the TLS certificate ${certFile} with the key ${keyFile}: ${(e as Error).message}`);
  }
  return { cert, key };
}

/**
 * Finds out whether a node with this configuration could serve: reads its TLS files and listens
 * on its host and port for a moment. `parley start --init-if-needed` asks before it creates the
 * node, so that a first start on a port in use, or with a wrong --host or TLS file, leaves no
 * data directory, key or database behind to be found by the next start.
 */
export async function checkCanServe(config: NodeConfig): Promise<void> {
  if (config.tlsCert && config.tlsKey) await readTls(config.tlsCert, config.tlsKey);
  const probe = createNetServer();
  await listen(probe, { port: config.port, host: config.host }).catch((e: NodeJS.ErrnoException) => {
    throw listenError(e, config);
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

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
  const tls = config.tlsCert && config.tlsKey ? await readTls(config.tlsCert, config.tlsKey) : undefined;
  const ctx = await createAppContext(config, options);
  if (lock.stalePid) {
    ctx.log.warn({ pid: lock.stalePid.pid, pidFile: dataDir.pidFile }, 'removed a pid file left by a node that no longer runs (the pid may now belong to another process)');
  }
  const http = (
    tls ? createAdaptorServer({ fetch: createApp(ctx).fetch, createServer: createHttpsServer, serverOptions: tls }) : createAdaptorServer({ fetch: createApp(ctx).fetch })
  ) as Server;
  // Idle connections are kept longer than browsers, API clients and proxies keep theirs (Node's
  // default is 5 s): a node closing one just as a client reuses it makes that request fail with a
  // reset (ECONNRESET) it never received. Closing the node still ends every connection at once.
  http.keepAliveTimeout = 65_000;
  http.headersTimeout = 66_000;
  const control = createAdaptorServer({ fetch: createLocalApp(ctx).fetch }) as Server;
  try {
    await listen(http, { port: config.port, host: config.host }).catch((e: NodeJS.ErrnoException) => {
      throw listenError(e, config);
    });
    await listen(control, dataDir.socketPath).catch((e: Error) => {
      throw new Error(`cannot open the control socket ${dataDir.socketPath}: ${e.message}`);
    });
    // Owner-only, whatever the umask: holding the socket is holding operator rights.
    await chmod(dataDir.socketPath, 0o600);
  } catch (e) {
    await Promise.all([closeServer(http), closeServer(control)]);
    await ctx.close();
    await dataDir.clearRuntime();
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
