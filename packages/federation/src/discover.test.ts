import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from './discover.js';

describe('discover', () => {
  let plain: Server;
  let port = 0;
  beforeAll(async () => {
    plain = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    port = (plain.address() as AddressInfo).port;
  });
  afterAll(async () => {
    plain.closeAllConnections();
    await new Promise((r) => plain.close(r));
  });

  it('says a peer that answers plain HTTP on an https:// URL does not speak HTTPS, not what OpenSSL said', async () => {
    await expect(discover(`https://127.0.0.1:${port}`)).rejects.toThrow(
      `Could not reach https://127.0.0.1:${port}: it does not speak HTTPS on port ${port} (is it plain HTTP?). Check the URL with the peer's administrators.`,
    );
  });
});
