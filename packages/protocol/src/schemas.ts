import { z } from 'zod';
import { batchDelivery, batchResponse, deliveryClaims } from './delivery.js';
import { discoveryDocument } from './discovery.js';
import { envelopeSchema, receiptSchema } from './envelope/schema.js';
import { logEntrySchema } from './log-entry.js';
import { proofBundleSchema } from './proof/bundle.js';
import { messageBodies } from './messages.js';

/**
 * Every JSON Schema (draft 2020-12) the protocol publishes, by file name. They are generated
 * from the same zod schemas the implementation validates with, so the document cannot drift.
 */
export function protocolSchemas(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {
    'discovery.schema.json': z.toJSONSchema(discoveryDocument) as Record<string, unknown>,
    'envelope.schema.json': z.toJSONSchema(envelopeSchema) as Record<string, unknown>,
    'receipt.schema.json': z.toJSONSchema(receiptSchema) as Record<string, unknown>,
    'delivery.schema.json': z.toJSONSchema(deliveryClaims) as Record<string, unknown>,
    'batch-delivery.schema.json': z.toJSONSchema(batchDelivery) as Record<string, unknown>,
    'batch-response.schema.json': z.toJSONSchema(batchResponse) as Record<string, unknown>,
    'log-entry.schema.json': z.toJSONSchema(logEntrySchema) as Record<string, unknown>,
    'proof-bundle.schema.json': z.toJSONSchema(proofBundleSchema) as Record<string, unknown>,
  };
  for (const [type, schema] of Object.entries(messageBodies)) {
    out[`body.${type}.schema.json`] = z.toJSONSchema(schema) as Record<string, unknown>;
  }
  return out;
}
