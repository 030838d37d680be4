import type { z } from 'zod';

/**
 * Plain words for the checks of the API's schemas that carry no message of their own: a field
 * left out, a value of the wrong kind, a field the request does not take. Zod's defaults ("Invalid
 * input: expected string, received undefined") are written for programmers; the people who read
 * these are officers behind the web interface and whoever writes a script against the API.
 * Passed to each parse of a request (`schema.safeParse(value, { error: plainIssue })`): a message a
 * schema gives itself still wins, and an issue not named here keeps Zod's.
 */
export const plainIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'Required.';
      const what = KINDS[issue.expected];
      return what ? `Must be ${what}${issue.input === null ? ', not null' : ''}.` : undefined;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `${issue.keys.length === 1 ? 'Not a field' : 'Not fields'} of this request: ${keys}. Check the spelling against the API reference, /api/v1/openapi.json.`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `Must be ${JSON.stringify(issue.values[0])}.` : `Must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Must not be empty.' : `Must be at least ${issue.minimum} characters long.`;
      if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? 'Must list at least one.' : `Must list at least ${issue.minimum}.`;
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive === false ? `Must be more than ${issue.minimum}.` : `Must be ${issue.minimum} or more.`;
      return undefined;
    case 'too_big':
      if (issue.origin === 'string') return `Must be at most ${issue.maximum} characters long.`;
      if (issue.origin === 'array') return `Must list at most ${issue.maximum}.`;
      if (issue.origin === 'number' || issue.origin === 'int') return issue.inclusive === false ? `Must be less than ${issue.maximum}.` : `Must be ${issue.maximum} or less.`;
      return undefined;
    case 'invalid_format':
      return FORMATS[issue.format];
    default:
      return undefined;
  }
};

const KINDS: Partial<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object of named fields',
};

const FORMATS: Partial<Record<string, string>> = {
  email: 'Must be an e-mail address, such as name@ministry.example.',
  uuid: 'Must be an id of the form 0192f1d2-3c4b-7a8e-9f00-112233445566.',
  url: 'Must be a web address, such as https://parley.ministry.example.',
  datetime: 'Must be a date and time with its offset, such as 2026-11-27T16:30:00Z.',
  date: 'Must be a date such as 2026-11-27.',
};
