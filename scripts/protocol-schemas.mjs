// Writes the protocol's JSON Schemas to docs/protocol/schemas/ (run after changing a schema:
// `npm run protocol:schemas`); a test fails while the committed files differ from the code.
import { writeFileSync } from 'node:fs';
import { protocolSchemas } from '../packages/protocol/dist/index.js';

for (const [name, schema] of Object.entries(protocolSchemas())) {
  writeFileSync(new URL(`../docs/protocol/schemas/${name}`, import.meta.url), JSON.stringify(schema, null, 2) + '\n');
}

// The worked example: deterministic, so the test can rebuild it byte for byte.
const { protocolExamples } = await import('../packages/protocol/dist/examples.js');
for (const [name, value] of Object.entries(await protocolExamples())) {
  writeFileSync(new URL(`../docs/protocol/examples/${name}`, import.meta.url), typeof value === 'string' ? value + '\n' : JSON.stringify(value, null, 2) + '\n');
}
