import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPeerUrl, discover } from './discover.js';

/** Bytes the endless answer below wrote before the node stopped reading. */
let endlessWritten = 0;

describe('discover', () => {
  let plain: Server;
  let port = 0;
  beforeAll(async () => {
    plain = createServer((req, res) => {
      if (req.url === '/endless/.well-known/parley') {
        // An answer that never ends (bounded here at 1 GiB), written as fast as it is read.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && endlessWritten < 1024 ** 3) {
            endlessWritten += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.write('{"protocol":"parley","name":"');
        pump();
        return;
      }
      if (req.url === '/declared/.well-known/parley') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
        res.write('{');
        return;
      }
      res.end('{}');
    });
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

  it('says a port that fetch refuses to connect to, such as 6000, is one, instead of “bad port”', async () => {
    await expect(discover('http://127.0.0.1:6000')).rejects.toThrow(
      'Could not reach http://127.0.0.1:6000: port 6000 is one that browsers and Node.js refuse to connect to, so no node can be reached on it. The node must listen on another port.',
    );
  });

  it('refuses a URL inside a node, keeping a path before it, and names the base address', () => {
    expect(() => checkPeerUrl('https://node.example/api/v1')).toThrow(
      "https://node.example/api/v1 is the address of a node's API, not of the node itself. Give the node's base address instead: https://node.example",
    );
    expect(() => checkPeerUrl('https://gov.example/parley/.well-known/parley')).toThrow(
      "https://gov.example/parley/.well-known/parley is the address of a node's discovery document, not of the node itself. Give the node's base address instead: https://gov.example/parley",
    );
    expect(checkPeerUrl('https://gov.example/parley').pathname).toBe('/parley');
  });

  it('names the https:// URL a bare host name most likely stands for', () => {
    expect(() => checkPeerUrl('parley.mfa.example')).toThrow('"parley.mfa.example" is not a URL: it does not start with https://. If the node is there, give https://parley.mfa.example');
    expect(() => checkPeerUrl('not a url')).toThrow('"not a url" is not a URL. Give the peer node\'s base URL, such as https://parley.mfa.example.');
  });

  it('suggests the address without its path when a URL with a path does not lead to a node', async () => {
    const base = `http://127.0.0.1:${port}/consultations`;
    await expect(discover(base)).rejects.toThrow(
      `${base} did not present a valid Parley discovery document. A node's address is most often its base address, without a path: try http://127.0.0.1:${port}`,
    );
    await expect(discover(`http://127.0.0.1:${port}`)).rejects.toThrow(new RegExp(`^http://127.0.0.1:${port} did not present a valid Parley discovery document.$`));
  });

  it('stops reading an answer that is far larger than a discovery document, and says so', async () => {
    const base = `http://127.0.0.1:${port}/endless`;
    await expect(discover(base)).rejects.toThrow(`${base}/.well-known/parley answered with more than 64 KiB, far more than a discovery document; is this a Parley node?`);
    // What was written is what the sockets' buffers held when the node stopped: far from the gigabyte offered.
    expect(endlessWritten).toBeLessThan(32 * 1024 * 1024);
    const declared = `http://127.0.0.1:${port}/declared`;
    await expect(discover(declared)).rejects.toThrow(`${declared}/.well-known/parley answered with more than 64 KiB`);
  });
});
