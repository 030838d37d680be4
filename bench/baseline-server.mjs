// The baseline: the least a Node HTTP server can do, answering a constant.
import { createServer } from 'node:http';

const body = JSON.stringify({ contacts: [] });
createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}).listen(Number(process.argv[2]), '127.0.0.1');
