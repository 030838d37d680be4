import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parleyCli, spawnCliNode, type CliNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `parley peer ...` as an administrator runs it, against two nodes running as real processes.

describe('parley peer', () => {
  let root: string;
  const data = { a: '', b: '' };
  let nodeA: CliNode | undefined;
  let nodeB: CliNode | undefined;
  let fingerprintB = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-cli-peer-'));
    data.a = join(root, 'a');
    data.b = join(root, 'b');
    for (const [state, dir] of [['XAA', data.a], ['XAB', data.b]] as const) {
      const r = await parleyCli(['init', '--state', state, '--name', `Peer test ${state}`, '--test-state', '--data', dir]);
      expect(r.code).toBe(0);
      if (state === 'XAB') fingerprintB = /Key fingerprint: (SHA256:\S+)/.exec(r.stdout)![1]!;
    }
    [nodeA, nodeB] = await Promise.all([spawnCliNode(data.a), spawnCliNode(data.b)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await rm(root, { recursive: true, force: true });
  });

  it('lists no peers at first, and says how to add one', async () => {
    const r = await parleyCli(['peer', 'list', '--data', data.a]);
    expect([r.code, r.stdout.trim()]).toEqual([0, 'No peers yet. Add one with: parley peer add URL --fingerprint SHA256:...']);
  });

  it('refuses a key that does not match the fingerprint, showing both, and trusts nothing', async () => {
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const r = await parleyCli(['peer', 'add', nodeB!.url, '--fingerprint', wrong, '--data', data.a]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(wrong);
    expect(r.stderr).toContain(fingerprintB);
    expect((await parleyCli(['peer', 'list', '--data', data.a])).stdout).toContain('No peers yet.');
  });

  it('refuses a fingerprint that is not one, and an address where no node answers, each saying what is wrong', async () => {
    const nonsense = await parleyCli(['peer', 'add', nodeB!.url, '--fingerprint', 'nonsense', '--data', data.a]);
    expect(nonsense.code).toBe(1);
    expect(nonsense.stderr).toMatch(/^parley: --fingerprint: .*SHA256:/m);
    const nobody = await parleyCli(['peer', 'add', 'http://127.0.0.1:1', '--fingerprint', fingerprintB, '--data', data.a]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/^parley: .*127\.0\.0\.1:1/m);
  });

  it("refuses the address of a node's API, naming the base address to give instead", async () => {
    const r = await parleyCli(['peer', 'add', `${nodeB!.url}/api/v1`, '--fingerprint', fingerprintB, '--data', data.a]);
    expect([r.code, r.stderr.trim()]).toEqual([
      1,
      `parley: ${nodeB!.url}/api/v1 is the address of a node's API, not of the node itself. Give the node's base address instead: ${nodeB!.url}\nSee: parley peer add --help`,
    ]);
  });

  it('trusts a peer whose key matches, and lists it with its address and key', async () => {
    const r = await parleyCli(['peer', 'add', nodeB!.url, '--fingerprint', fingerprintB, '--data', data.a]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Trusted XAB (Peer test XAB, a test state) with key ${fingerprintB}.`);
    const list = await parleyCli(['peer', 'list', '--data', data.a]);
    expect(list.stdout).toBe(`XAB  trusted    Peer test XAB (test state)\n     ${nodeB!.url}   key ${fingerprintB}\n`);
  });

  it('suspends and resumes a peer, as the API and the web interface show it', async () => {
    const suspended = await parleyCli(['peer', 'suspend', 'xab', '--data', data.a]);
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toMatch(/^Suspended XAB: this node neither sends to it nor accepts from it\./);
    expect(suspended.stdout).toContain('Resume with: parley peer resume XAB');
    expect((await parleyCli(['peer', 'list', '--data', data.a])).stdout).toMatch(/^XAB {2}suspended {2}Peer test XAB/);
    const resumed = await parleyCli(['peer', 'resume', 'XAB', '--data', data.a]);
    expect([resumed.code, resumed.stdout.trim()]).toEqual([0, 'XAB is trusted again; messages queued for it are sent without waiting for their next retry.']);
    expect((await parleyCli(['peer', 'list', '--data', data.a])).stdout).toMatch(/^XAB {2}trusted {4}Peer test XAB/);
  });

  it('refuses a state that is not a peer, and a name that is no state code, saying what to do', async () => {
    const stranger = await parleyCli(['peer', 'suspend', 'XAC', '--data', data.a]);
    expect([stranger.code, stranger.stderr.trim()]).toEqual([1, 'parley: XAC is not a peer of this node.']);
    // Removing one asks first, but not about a state that is no peer.
    const gone = await parleyCli(['peer', 'remove', 'XAC', '--data', data.a]);
    expect([gone.code, gone.stderr.trim()]).toEqual([1, 'parley: XAC is not a peer of this node.']);
    const bad = await parleyCli(['peer', 'remove', 'Borealis', '--data', data.a]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('a peer is named by its state’s three-letter code, such as XAB (see: parley peer list).');
    expect((await parleyCli(['peer', 'list', '--data', data.a])).stdout).toMatch(/^XAB {2}trusted/);
  });

  it('rotates the key only when told to go ahead, and then announces it to its peers', async () => {
    const before = (await parleyCli(['peer', 'list', '--data', data.b])).stdout;
    const asked = await parleyCli(['key', 'rotate', '--data', data.a]);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toMatch(/^parley: Rotating replaces the node key for good: .* Nothing was changed: run it again with --yes to go ahead\.$/m);
    expect((await parleyCli(['peer', 'list', '--data', data.b])).stdout).toBe(before);
    const rotated = await parleyCli(['key', 'rotate', '--yes', '--data', data.a]);
    expect(rotated.code).toBe(0);
    const [, previous, current] = /Rotated the node key: (SHA256:\S+) → (SHA256:\S+)\./.exec(rotated.stdout)!;
    expect(current).not.toBe(previous);
    expect(rotated.stdout).toContain('Announced to 1 peer. Tell');
  });

  it('works on a stopped node too, opening its store, and removes a peer once told to go ahead, giving up what is queued for it', async () => {
    // XAB never trusted XAA here, so it refused what XAA sent it (its directory on peering, the
    // announcement of its new key), which XAA still holds queued.
    expect(await nodeA!.stop()).toBe(0);
    nodeA = undefined;
    expect((await parleyCli(['peer', 'list', '--data', data.a])).stdout).toMatch(/^XAB {2}trusted/);
    const asked = await parleyCli(['peer', 'remove', 'XAB', '--data', data.a]);
    expect([asked.code, asked.stderr.trim()]).toEqual([
      1,
      'parley: Removing XAB stops this node trusting it and revokes its access to the evidence files this node sent it (none so far); adding it again does not give that access back, and takes its address and its key fingerprint from its administrators. The 2 messages still queued for it will fail, and the officers be told. Nothing was changed: run it again with --yes to go ahead.',
    ]);
    expect((await parleyCli(['peer', 'list', '--data', data.a])).stdout).toMatch(/^XAB {2}trusted/);
    const removed = await parleyCli(['peer', 'remove', 'XAB', '--yes', '--data', data.a]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Removed XAB, and revoked its access to evidence (it had been sent none). To trust it again: parley peer add URL --fingerprint SHA256:...');
    expect(removed.stdout).toContain('Gave up the 2 messages still queued for XAB: marked failed, and the officers told.');
    expect((await parleyCli(['peer', 'list', '--data', data.a])).stdout).toContain('No peers yet.');
    // Five commands, each opening the stopped node's embedded database: slow on a loaded machine.
  }, 90_000);
});
