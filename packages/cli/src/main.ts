import { rm, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkIdentity, DomainError, displayStateName, isUserAssignedCode } from '@parley/core';
import { checkPeerUrl } from '@parley/federation';
import { fingerprint } from '@parley/protocol';
import { checkCanServe, configFromEnv, flagName, localSchemas, operatorCommands, startNode, VERSION, type NodeConfig } from '@parley/server';
import { DataDir, openStore } from '@parley/store';
import { Command, Help, InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import { checkArguments, CliError, controlRequest, describeError, findRunningNode, lockForCommand, UsageError } from './control.js';
import { DEMO_PORT, runDemo } from './demo.js';
import { promptHidden, promptLine, readStdin } from './prompt.js';
import { addVerifyCommand } from './verify.js';

/** In the data directory, the first-run link of a node started without a terminal. */
export const FIRST_RUN_LINK_FILE = 'first-run-link';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

const directory = (v: string) => {
  if (v.trim() === '') throw new InvalidArgumentError('give the node’s data directory, such as ./data or /srv/parley.');
  return v;
};

/** The data directory: --data, else PARLEY_DATA, else ./data, the same for every command. */
const dataOption = () => new Option('--data <dir>', 'the node’s data directory').env('PARLEY_DATA').default('./data').argParser(directory);

const port = (v: string) => {
  // Digits only: Number() would also take "0x50" (port 80), "1e3" and "" (port 0).
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one).');
  return n;
};

/**
 * What cannot be taken back is done only when the administrator says so: with --yes, or by typing
 * yes at the terminal after reading what it does. Without a terminal to ask in and without --yes,
 * nothing is done.
 */
async function confirmed(what: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CliError(`${what} Nothing was changed: run it again with --yes to go ahead.`);
  const answer = await promptLine(`${what}\nType yes to go ahead: `);
  if (answer.trim().toLowerCase() !== 'yes') throw new CliError('Nothing was changed.');
}

const yesOption = () => new Option('--yes', 'go ahead without asking (for scripts)');

const peerState = (v: string) => {
  const code = v.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new InvalidArgumentError('a peer is named by its state’s three-letter code, such as XAB (see: parley peer list).');
  return code;
};

const demoPort = (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65533) throw new InvalidArgumentError('the demo takes this port and the next two, so it is a whole number from 1 to 65533.');
  return n;
};

/**
 * Runs an operator command against the node in `dataDir`: through its control socket when it
 * runs, otherwise by opening its store directly (the embedded store allows one process only).
 */
async function viaNode<T extends keyof typeof operatorCommands>(
  dataDirPath: string,
  command: T,
  path: string,
  input: z.output<(typeof localSchemas)[T]>,
  method: 'GET' | 'POST' = 'POST',
): Promise<Record<string, unknown>> {
  const dataDir = new DataDir(dataDirPath);
  if (await findRunningNode(dataDir)) {
    const res = await controlRequest(dataDir, method, path, method === 'GET' ? undefined : input);
    if (res.status >= 400) throw new CliError(String(res.body.detail ?? `the node answered ${res.status}`));
    return res.body;
  }
  const config = configFromEnv({ dataDir: dataDirPath, logLevel: 'silent' });
  // Held until the store is closed: a node starting meanwhile, or another command, is refused.
  const lock = await lockForCommand(dataDir);
  let store;
  try {
    const { identity, keys } = await dataDir.load();
    store = await openStore(config.databaseUrl ? { engine: 'postgres', url: config.databaseUrl } : { engine: 'pglite', dataDir: dataDir.path });
    const publicUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const run = operatorCommands[command] as (d: unknown, b: unknown, m: unknown, dir: DataDir) => Promise<Record<string, unknown>>;
    // What the command queues for peers is sent by the node when it next runs.
    const previous = await dataDir.readOptionalKey(dataDir.previousKeyFile);
    const self = {
      stateCode: identity.stateCode,
      name: identity.name,
      privateKey: keys.privateKey,
      fingerprint: fingerprint(keys.publicKey),
      previousKeys: new Map(previous ? [[fingerprint(previous.publicKey), previous.privateKey]] : []),
    };
    return await run({ store, now: () => new Date(), publicUrl, self }, input, { requestId: null }, dataDir);
  } finally {
    await store?.close();
    await lock.release();
  }
}

/**
 * How to take back what creating a node at `path` is about to make: the highest of its
 * directories that does not exist yet, or, when the directory is already there, each entry that
 * appears in it from now on.
 */
async function undoCreation(path: string): Promise<() => Promise<void>> {
  let missing: string | undefined;
  for (let dir = path; dirname(dir) !== dir; dir = dirname(dir)) {
    const there = await stat(dir).then(
      () => true,
      (e: NodeJS.ErrnoException) => e.code !== 'ENOENT',
    );
    if (there) break;
    missing = dir;
  }
  if (missing) {
    const top = missing;
    return () => rm(top, { recursive: true, force: true });
  }
  const before = new Set(await readdir(path).catch(() => []));
  return async () => {
    for (const name of await readdir(path).catch(() => [])) if (!before.has(name)) await rm(join(path, name), { recursive: true, force: true });
  };
}

/** Checks a command's input; an error names where the value came from (`where`: field → flag, or words such as "the password"). */
function parseInput<T extends z.ZodType>(schema: T, input: unknown, where: Record<string, string>): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues
        .map((i) => {
          const field = String(i.path[0] ?? '');
          return `${field ? `${where[field] ?? flagName(field)}: ` : ''}${i.message}`;
        })
        .join('\n'),
    );
  }
  return parsed.data;
}

export function buildProgram(io: Io): Command {
  const program = new Command('parley')
    .description('Parley: a sovereign node for cooperation between states on information security')
    .version(VERSION, '-V, --version', 'print the version of Parley, to quote when asking for help')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    // Commander's help shows nothing of an option a command cannot run without; say so first.
    .configureHelp({
      optionDescription(this: Help, option: Option) {
        const description = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `required: ${description}` : description;
      },
    })
    .exitOverride();

  program
    .command('init')
    .description('create a node: its state, name and Ed25519 key pair')
    .requiredOption('--state <ISO3>', 'ISO 3166-1 alpha-3 code of your state, such as CHE')
    .requiredOption('--name <name>', 'display name, such as "Federal Department of Foreign Affairs"')
    .option('--test-state', 'a test or demonstration node with a user-assigned code (AAA to AAZ, QMA to QZZ, XAA to XZZ, ZZA to ZZZ)', false)
    .addOption(dataOption())
    .action(async (o: { state: string; name: string; testState: boolean; data: string }) => {
      checkArguments(() => checkIdentity({ stateCode: o.state, name: o.name, testState: o.testState }));
      const dataDir = new DataDir(o.data);
      const identity = await dataDir.init({ stateCode: o.state, name: o.name, testState: o.testState });
      const { keys } = await dataDir.load();
      io.out(`Created node ${identity.stateCode} (${displayStateName(identity)}), "${identity.name}", in ${dataDir.path}`);
      io.out(`Key fingerprint: ${fingerprint(keys.publicKey)}`);
      io.out(`Start it with: parley start --data ${o.data}`);
    });

  program
    .command('start')
    .description('run the node')
    .addOption(dataOption())
    .addOption(new Option('--port <n>', 'TCP port (default 8080)').env('PARLEY_PORT').argParser(port))
    .addOption(new Option('--host <host>', 'address to listen on (default 127.0.0.1)').env('PARLEY_HOST'))
    .addOption(new Option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)').env('PARLEY_TLS_CERT'))
    .addOption(new Option('--tls-key <file>', 'the PEM private key of --tls-cert').env('PARLEY_TLS_KEY'))
    .option('--init-if-needed', 'create the node on first start (state and name from --state/--name or PARLEY_STATE/PARLEY_NAME)', false)
    .option('--state <ISO3>', 'with --init-if-needed: the state code (default XAA, a test state)')
    .option('--name <name>', 'with --init-if-needed: the node name')
    .action(async (o: { data: string; port?: number; host?: string; tlsCert?: string; tlsKey?: string; initIfNeeded: boolean; state?: string; name?: string }) => {
      const config: NodeConfig = checkArguments(() => configFromEnv({ dataDir: o.data, port: o.port, host: o.host, tlsCert: o.tlsCert, tlsKey: o.tlsKey }));
      const dataDir = new DataDir(config.dataDir);
      let undo: (() => Promise<void>) | undefined;
      if (o.initIfNeeded && !(await dataDir.isInitialised())) {
        const stateCode = (o.state ?? process.env.PARLEY_STATE ?? 'XAA').toUpperCase();
        // A user-assigned code (XAA, the default, or any other) can only be a test state.
        const testState = isUserAssignedCode(stateCode);
        const name = o.name ?? process.env.PARLEY_NAME ?? (testState ? `Parley test node ${stateCode}` : `Parley node ${stateCode}`);
        try {
          checkIdentity({ stateCode, name, testState });
        } catch (e) {
          // Say which setting to correct: the flag, or the variable npm start reads.
          const where = (e as DomainError).code === 'invalid_node_name' ? (o.name !== undefined ? '--name' : 'PARLEY_NAME') : o.state !== undefined ? '--state' : 'PARLEY_STATE';
          throw new UsageError(`${where}: ${(e as Error).message}`);
        }
        // Before anything is created: a first start that cannot listen leaves no node behind.
        await checkCanServe(config);
        const creation = await undoCreation(dataDir.path);
        const identity = await dataDir.init({ stateCode, name, testState });
        // Only once this command's init has written the node is it this command's to take back.
        undo = creation;
        io.err(`First start: created node ${identity.stateCode} (${displayStateName(identity)}) in ${dataDir.path}`);
      }
      let node;
      try {
        node = await startNode(config);
      } catch (e) {
        // The node created above never ran: take it back, so that the next start creates it afresh.
        if (undo) {
          await undo();
          io.err(`Removed the node created in ${dataDir.path}, as it could not start.`);
        }
        throw e;
      }
      const info = node.ctx.nodeInfo();
      io.err(`Parley node ${info.stateCode} (${info.stateName}) “${info.name}” is running`);
      io.err(`  Web and API:  ${node.url}`);
      io.err(`  Key:          ${info.fingerprint}`);
      io.err(`  Store:        ${node.ctx.store.engine === 'pglite' ? `embedded (PGlite) in ${dataDir.path}` : 'PostgreSQL (DATABASE_URL)'}`);
      // Whoever opens the first-run link first becomes the node's administrator. Not on a
      // terminal, standard error goes to a service manager's journal or a log file, which others
      // may read and keep: the link is then written to a file only the node's user can read.
      const linkFile = join(dataDir.path, FIRST_RUN_LINK_FILE);
      await rm(linkFile, { force: true });
      if (node.firstRunLink) {
        io.err('');
        if (process.stderr.isTTY) {
          io.err('No administrator yet. Open this one-time link within 24 hours to set the first administrator’s password:');
          io.err(`  ${node.firstRunLink}`);
        } else {
          await writeFile(linkFile, `${node.firstRunLink}\n`, { mode: 0o600 });
          io.err(`No administrator yet. The one-time link to set the first administrator’s password (valid 24 hours) is in ${linkFile}, readable only by this user: it is not printed here, since this output may be kept in a log.`);
        }
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          io.err('Stopping…');
          void node.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  const user = program.command('user').description('manage accounts');
  user
    .command('add')
    .description('add an account; the password is asked for, read from standard input, or set by the person through a one-time link')
    .requiredOption('--email <email>', 'the person’s e-mail address')
    .addOption(new Option('--role <role>', 'what they may do').choices(['admin', 'officer', 'viewer']).makeOptionMandatory())
    .option('--display-name <name>', 'their name as shown in the interface')
    .addOption(new Option('--password-stdin', 'read the password from standard input').default(false).conflicts('invite'))
    .option('--invite', 'set no password; print a one-time link for the person to set their own', false)
    .addOption(dataOption())
    .action(async (o: { email: string; role: string; displayName?: string; passwordStdin: boolean; invite: boolean; data: string }) => {
      // The rest is checked before a password is asked for, so a mistyped e-mail address does not
      // cost the person the password they typed twice.
      parseInput(localSchemas.addUser, { email: o.email, role: o.role, displayName: o.displayName }, {});
      let password: string | undefined;
      if (o.passwordStdin) password = await readStdin();
      else if (!o.invite) {
        if (!process.stdin.isTTY) throw new UsageError('no terminal to ask for a password: pass --password-stdin and pipe it in, or --invite for a one-time link.');
        password = await promptHidden('Password: ');
        if ((await promptHidden('Repeat password: ')) !== password) throw new CliError('the two passwords differ; nothing was changed.');
      }
      const input = parseInput(localSchemas.addUser, { email: o.email, role: o.role, displayName: o.displayName, password }, { password: o.passwordStdin ? 'the password on standard input' : 'the password' });
      const res = await viaNode(o.data, 'addUser', '/local/v1/users', input);
      const u = res.user as { email: string; role: string };
      io.out(`Added ${u.email} as ${u.role}.`);
      if (res.setupLink) io.out(`One-time link to set the password (valid 24 hours): ${String(res.setupLink)}`);
    });

  user
    .command('reset')
    .description('reset a password: print a one-time link for the person to set a new one; the old password, the account’s API tokens and its sessions stop working at once')
    .requiredOption('--email <email>', 'the account’s e-mail address')
    .addOption(yesOption())
    .addOption(dataOption())
    .action(async (o: { email: string; yes?: boolean; data: string }) => {
      const input = parseInput(localSchemas.resetUser, { email: o.email }, {});
      await confirmed(`Resetting the password of ${input.email} ends its password, API tokens and sessions at once; the person sets a new password through the link printed next.`, o.yes);
      const res = await viaNode(o.data, 'resetUser', '/local/v1/users/reset', input);
      const u = res.user as { email: string; status: string };
      io.out(u.status === 'invited' ? `${u.email} has not set a password yet: a new invitation replaces the old one.` : `Reset the password of ${u.email}: its old password, API tokens and sessions no longer work.`);
      io.out(`One-time link to set the password (valid 24 hours): ${String(res.setupLink)}`);
    });

  user
    .command('unlock')
    .description('lift a sign-in lockout after too many failed sign-ins, so the person can try again at once; the password stays as it is')
    .requiredOption('--email <email>', 'the account’s e-mail address')
    .addOption(dataOption())
    .action(async (o: { email: string; data: string }) => {
      const input = parseInput(localSchemas.unlockUser, { email: o.email }, {});
      const res = await viaNode(o.data, 'unlockUser', '/local/v1/users/unlock', input);
      io.out(res.cleared ? `Forgot the failed sign-ins of ${input.email}: they can sign in again with their password.` : `${input.email} had no failed sign-ins counted: nothing to unlock.`);
    });

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token for a user; prints the token alone on the last line')
    .requiredOption('--user <email>', 'the account the token acts for')
    .option('--name <name>', 'a label to recognise the token by', 'cli')
    .addOption(dataOption())
    .action(async (o: { user: string; name: string; data: string }) => {
      const input = parseInput(localSchemas.createToken, { email: o.user, name: o.name }, { email: '--user' });
      const res = await viaNode(o.data, 'createToken', '/local/v1/tokens', input);
      io.err(`API token "${o.name}" for ${input.email}. It is shown once; keep it secret. Use it as: Authorization: Bearer TOKEN`);
      io.out(String(res.secret));
    });

  const peer = program.command('peer').description('manage peer states');
  peer
    .command('add')
    .description('trust a peer: its URL and the key fingerprint its administrators gave you out of band')
    .argument('<url>', 'the peer node’s base URL, such as https://parley.mfa.example')
    .requiredOption('--fingerprint <SHA256:...>', 'the fingerprint of the peer’s key, as received out of band')
    .addOption(dataOption())
    .action(async (url: string, o: { fingerprint: string; data: string }) => {
      const input = parseInput(localSchemas.addPeer, { url, fingerprint: o.fingerprint }, { url: 'the URL' });
      checkArguments(() => checkPeerUrl(input.url));
      const res = await viaNode(o.data, 'addPeer', '/local/v1/peers', input);
      const p = res.peer as { stateCode: string; name: string; fingerprint: string; isTestState: boolean };
      io.out(`Trusted ${p.stateCode} (${p.name}${p.isTestState ? ', a test state' : ''}) with key ${p.fingerprint}.`);
      io.out('They must add this node too before messages flow both ways.');
    });
  peer
    .command('list')
    .description('the peer states this node trusts or has suspended, with their addresses and keys')
    .addOption(dataOption())
    .action(async (o: { data: string }) => {
      const res = await viaNode(o.data, 'listPeers', '/local/v1/peers', {}, 'GET');
      const peers = res.peers as { stateCode: string; name: string; url: string; fingerprint: string; isTestState: boolean; status: string }[];
      if (peers.length === 0) {
        io.out('No peers yet. Add one with: parley peer add URL --fingerprint SHA256:...');
        return;
      }
      for (const p of peers) {
        io.out(`${p.stateCode}  ${p.status.padEnd(9)}  ${p.name}${p.isTestState ? ' (test state)' : ''}`);
        io.out(`     ${p.url}   key ${p.fingerprint}`);
      }
    });
  type ListedPeer = { stateCode: string; evidenceGrants: number; queuedMessages: number };
  const peerCommand = (
    name: 'suspend' | 'resume' | 'remove',
    description: string,
    done: (state: string, result: Record<string, unknown>) => string[],
    ask?: (peer: ListedPeer) => string,
  ) => {
    const command = peer
      .command(name)
      .description(description)
      .argument('<state>', 'the peer’s three-letter state code, as `parley peer list` shows it', peerState)
      .addOption(dataOption());
    if (ask) command.addOption(yesOption());
    return command.action(async (state: string, o: { data: string; yes?: boolean }) => {
      if (ask) {
        // Asked only about a peer there is: the node would refuse any other after the question.
        const peers = (await viaNode(o.data, 'listPeers', '/local/v1/peers', {}, 'GET')).peers as ListedPeer[];
        const known = peers.find((p) => p.stateCode === state);
        if (!known) throw new CliError(`${state} is not a peer of this node.`);
        await confirmed(ask(known), o.yes);
      }
      const result = await viaNode(o.data, `${name}Peer`, `/local/v1/peers/${name}`, { state });
      for (const line of done(state, result)) io.out(line);
    });
  };
  const files = (n: number) => (n === 1 ? '1 evidence file' : `${n} evidence files`);
  const messages = (n: number) => (n === 1 ? '1 message' : `${n} messages`);
  peerCommand('suspend', 'stop sending messages to a peer and accepting them from it, until it is resumed', (s) => [
    `Suspended ${s}: this node neither sends to it nor accepts from it. Messages for it stay queued and are retried; if it stays suspended past the delivery period (seven days, or PARLEY_DELIVERY_HOURS), they are marked failed.`,
    `Resume with: parley peer resume ${s}`,
  ]);
  peerCommand('resume', 'trust a suspended peer again', (s) => [`${s} is trusted again; messages queued for it are sent without waiting for their next retry.`]);
  peerCommand(
    'remove',
    'stop trusting a peer, revoke its access to the evidence sent to it and give up the messages queued for it; adding it again takes its URL and fingerprint',
    (s, r) => [
      `Removed ${s}, and revoked its access to ${Number(r.grantsRevoked) > 0 ? `the ${files(Number(r.grantsRevoked))} sent to it` : 'evidence (it had been sent none)'}. To trust it again: parley peer add URL --fingerprint SHA256:... with the fingerprint from its administrators; that does not give back its access to evidence.`,
      ...(Number(r.messagesFailed) > 0 ? [`Gave up the ${messages(Number(r.messagesFailed))} still queued for ${s}: marked failed, and the officers told.`] : []),
    ],
    (p) =>
      `Removing ${p.stateCode} stops this node trusting it and revokes its access to the evidence files this node sent it (${p.evidenceGrants > 0 ? files(p.evidenceGrants) : 'none so far'}); adding it again does not give that access back, and takes its address and its key fingerprint from its administrators. ${p.queuedMessages > 0 ? `The ${messages(p.queuedMessages)} still queued for it will fail, and the officers be told.` : 'No message is queued for it.'}`,
  );

  program
    .command('key')
    .description('manage the node’s signing key')
    .command('rotate')
    .description('replace the node key; peers are told in a message signed with the old key')
    .addOption(dataOption())
    .addOption(yesOption())
    .action(async (o: { data: string; yes?: boolean }) => {
      await confirmed(
        'Rotating replaces the node key for good: every peer is told in a message signed with the old key, and their administrators should then confirm the new fingerprint with you through a separate channel.',
        o.yes,
      );
      const res = await viaNode(o.data, 'rotateKey', '/local/v1/key/rotate', {});
      io.out(`Rotated the node key: ${String(res.previous)} → ${String(res.current)}.`);
      io.out(`Announced to ${res.peers === 1 ? '1 peer' : `${String(res.peers)} peers`}. Tell their administrators the new fingerprint through your usual separate channel.`);
    });

  program
    .command('demo')
    .description('start three fictional test states on ports 8081-8083, peered, with sample accounts and contacts')
    .option('--dir <dir>', 'where the demo nodes keep their data (recreated each time)', './demo-data')
    .option('--port <n>', 'the first of the three ports the demo states listen on, one after another', demoPort, DEMO_PORT)
    .action(async (o: { dir: string; port: number }) => runDemo(io, o));

  addVerifyCommand(program, io);

  return program;
}

// C0 and C1 controls but line feed and tab, DEL, and the bidirectional and invisible format characters.
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u206f\ufeff]/g;

/**
 * A line as the terminal should show it: every control or bidirectional character written as a
 * visible \u escape. What the CLI prints comes in part from others (a proof bundle's signed
 * custody names, a peer's name, a node's answer), and an escape sequence in it would otherwise
 * be run by the terminal: it could erase or rewrite the lines around it, such as the warning that
 * a proof's keys are only as the bundle states them.
 */
export function printable(line: string): string {
  return line.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** The command `argv` names, as far as its words name one: `parley peer add`, or `parley`. */
function commandName(program: Command, argv: readonly string[]): string {
  const names = [program.name()];
  let command = program;
  for (const word of argv) {
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!sub) break;
    names.push(sub.name());
    command = sub;
  }
  return names.join(' ');
}

/** Runs the CLI and returns the exit code; only the entry point exits the process. */
export async function main(argv: string[], terminal: Io): Promise<number> {
  const io: Io = { out: (line) => terminal.out(printable(line)), err: (line) => terminal.err(printable(line)) };
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
      // Commander has said what is wrong; say where the command's usage is, by its full name.
      if (err.code !== 'commander.help') io.err(`See: ${commandName(program, argv)} --help`);
      return err.exitCode ?? 1;
    }
    if (e instanceof CliError || e instanceof DomainError) io.err(`parley: ${e.message}`);
    else io.err(`parley: ${describeError(e)}`);
    // The command's own check of its arguments refused them: say where its usage is, as above.
    if (e instanceof UsageError) io.err(`See: ${commandName(program, argv)} --help`);
    return 1;
  }
}
