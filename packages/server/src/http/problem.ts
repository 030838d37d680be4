import { DomainError, type ErrorKind, type Problem } from '@parley/core';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { MethodNotAllowed } from './methods.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

const TITLE: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign-in required',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  429: 'Too many attempts',
  500: 'Internal error',
  503: 'Unavailable',
};

/**
 * The one place where anything thrown becomes an RFC 9457 problem. Domain errors keep their
 * code and message; anything else is logged and answered with a 500 that reveals nothing.
 */
export function toProblem(err: unknown, requestId: string, log: Logger): { status: number; body: Problem; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (err instanceof DomainError) {
    const status = STATUS[err.kind];
    if (err.details.retryAfterSeconds) headers['Retry-After'] = String(err.details.retryAfterSeconds);
    return {
      status,
      headers,
      body: {
        type: `urn:parley:problem:${err.code}`,
        title: TITLE[status] ?? 'Error',
        status,
        detail: err.message,
        code: err.code,
        instance: `urn:parley:request:${requestId}`,
        ...(err.details.issues ? { errors: err.details.issues } : {}),
        ...err.details.extensions,
      },
    };
  }
  if (err instanceof MethodNotAllowed) {
    return {
      status: 405,
      headers: { Allow: err.allow.join(', ') },
      body: { type: 'urn:parley:problem:method_not_allowed', title: TITLE[405]!, status: 405, detail: err.message, code: 'method_not_allowed', instance: `urn:parley:request:${requestId}` },
    };
  }
  if (err instanceof HTTPException && err.status < 500) {
    const status = err.status;
    return {
      status,
      headers,
      body: { type: `urn:parley:problem:http_${status}`, title: TITLE[status] ?? 'Error', status, detail: err.message || TITLE[status] || 'Error', code: `http_${status}`, instance: `urn:parley:request:${requestId}` },
    };
  }
  log.error({ err }, 'unhandled error');
  return {
    status: 500,
    headers,
    body: {
      type: 'urn:parley:problem:internal',
      title: TITLE[500]!,
      status: 500,
      detail: `Something went wrong on this node. Quote request ${requestId} to its administrator.`,
      code: 'internal',
      instance: `urn:parley:request:${requestId}`,
    },
  };
}

export function problemResponse(p: { status: number; body: Problem; headers: Record<string, string> }): Response {
  return new Response(JSON.stringify(p.body), {
    status: p.status,
    headers: { 'content-type': 'application/problem+json', ...p.headers },
  });
}
