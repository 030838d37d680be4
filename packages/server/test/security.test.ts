import { ADMIN, Client, signedInAdmin, startTestNode, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What an outsider or a signed-in user of the lowest role tries against a node, over loopback HTTP. */
describe('a node under attack', () => {
  let node: TestNode;
  let admin: Client;

  beforeAll(async () => {
    node = await startTestNode();
    admin = await signedInAdmin(node);
  });
  afterAll(async () => {
    await node?.close();
  });

  describe('sign-in limits', () => {
    let limited: TestNode;
    beforeAll(async () => {
      limited = await startTestNode({ config: { loginAttempts: 3 } });
      await signedInAdmin(limited);
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('does not count successful sign-ins against the address', async () => {
      for (let i = 0; i < 5; i++) expect((await new Client(limited.url).login(ADMIN.email, ADMIN.password)).status).toBe(200);
    });

    it('counts sign-in attempts sent all at once, so guessing in parallel gets no more tries than one by one', async () => {
      const email = 'parallel@mfa.example';
      const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => new Client(limited.url).login(email, `wrong password ${i}`)));
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    });
  });
});
