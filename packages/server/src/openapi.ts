import { health, problem, routes, type RouteSpec } from '@parley/core';
import { z } from 'zod';
import { VERSION } from './version.js';

const schema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemRef } } });

/** The OpenAPI 3.1 document of /api/v1, generated from the same contract the server validates with. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(routes) as [string, RouteSpec][]) {
    const op: Record<string, unknown> = {
      operationId: name,
      summary: spec.summary,
      tags: [spec.tag],
      security: spec.access === 'public' ? [] : spec.sessionOnly ? [{ session: [] }] : [{ bearer: [] }, { session: [] }],
      ...(spec.access !== 'public' && spec.access !== 'session' ? { 'x-parley-permission': spec.access } : {}),
    };
    const parameters: unknown[] = [];
    if (spec.path.includes('{id}')) parameters.push({ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } });
    if (spec.path.includes('{code}')) parameters.push({ name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Z]{3}$' } });
    if (spec.path.includes('{hash}')) parameters.push({ name: 'hash', in: 'path', required: true, schema: { type: 'string', pattern: '^sha256:[A-Za-z0-9_-]{43}$' } });
    if (spec.query) {
      const q = schema(spec.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [key, s] of Object.entries(q.properties ?? {})) {
        parameters.push({ name: key, in: 'query', required: q.required?.includes(key) ?? false, schema: s });
      }
    }
    if (parameters.length) op.parameters = parameters;
    if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(spec.body, 'input') } } };
    if (spec.rawBody) op.requestBody = { required: true, content: { [spec.rawBody]: { schema: { type: 'string', format: 'binary' } } } };
    const status = String(spec.status ?? (spec.response || spec.rawResponse ? 200 : 204));
    op.responses = {
      [status]: spec.rawResponse
        ? { description: 'The file', content: { [spec.rawResponse]: { schema: { type: 'string', format: 'binary' } } } }
        : spec.response
          ? { description: 'Success', content: { 'application/json': { schema: schema(spec.response, 'output') } } }
          : { description: 'Success, no content' },
      '400': problemResponse('Invalid input; `errors` lists each field'),
      ...(spec.access === 'public' ? {} : { '401': problemResponse('Not signed in, or the token is invalid or revoked'), '403': problemResponse(spec.sessionOnly ? 'Not allowed for this role, CSRF token missing, or called with an API token' : 'Not allowed for this role, or CSRF token missing') }),
      '413': problemResponse('Body larger than the limit'),
      '503': problemResponse('Unavailable for now (`store_unavailable`: the node cannot reach its database); try again later, after `Retry-After` seconds when given'),
    };
    const path = `/api/v1${spec.path}`;
    paths[path] = { ...paths[path], [spec.method]: op };
  }
  paths['/healthz'] = {
    get: { operationId: 'health', summary: 'Liveness and store check', security: [], responses: { '200': { description: 'Healthy', content: { 'application/json': { schema: schema(health, 'output') } } }, '503': problemResponse('Store unreachable') } },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Parley node API', version: VERSION, description: 'JSON API of one Parley node. Errors are RFC 9457 problems with a stable `code`.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Problem: schema(problem, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token from `parley token create --user EMAIL` or the Tokens page.' },
        session: { type: 'apiKey', in: 'cookie', name: 'parley_session', description: 'Browser session; writes also need the X-CSRF-Token header.' },
      },
    },
  };
}
