import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './problem';

type ProblemStatus = 400 | 404 | 409 | 422 | 429 | 502 | 503 | 504;

/** The problem codes a route may answer besides the ones every route of its kind gets, by status. */
export type ProblemCodes = Partial<Record<ProblemStatus, readonly string[]>>;

const PROBLEMS_EXTENSION = 'x-problems';
/** Marks an operation held to the merchant key's request limit (RequestLimited). */
export const REQUEST_LIMITED_EXTENSION = 'x-request-limited';

const RATE_LIMIT_HEADERS = {
  RateLimit: {
    description: 'draft-ietf-httpapi-ratelimit-headers: the quota left (r) and seconds until it resets (t)',
    schema: { type: 'string', example: '"checkouts";r=42;t=7' },
  },
  'RateLimit-Policy': {
    description: 'draft-ietf-httpapi-ratelimit-headers: the quota (q) per window of w seconds',
    schema: { type: 'string', example: '"checkouts";q=100;w=10' },
  },
};
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** Lists a route's problem codes; `completeOpenApiDocument` turns them into documented responses. */
export const ApiProblems = (codes: ProblemCodes): MethodDecorator & ClassDecorator => ApiExtension(PROBLEMS_EXTENSION, codes);

const MERCHANT_KEY_SCHEME = 'merchantApiKey';
const MERCHANT_KEY = {
  type: 'http',
  scheme: 'bearer',
  description: "A merchant's API key (POST /merchants answers it once); it acts for its own merchant only",
} as const;

/** Documents that a merchant's API key is accepted on the route, besides the operator's and services' credentials. */
export const ApiMerchantKey = (): MethodDecorator & ClassDecorator => ApiSecurity(MERCHANT_KEY_SCHEME);

/** Routes anyone may call: probes, metrics and the documents themselves. */
export const isPublicPath = (path: string): boolean => /^\/(health|metrics|docs)(\/|$|-)/.test(path);

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
  },
};

const problemResponse = (status: number, codes: readonly string[] | undefined) => ({
  description: codes?.length ? `Problem: ${codes.join(', ')}` : 'Problem',
  content: {
    [PROBLEM_CONTENT_TYPE]: {
      schema: codes?.length
        ? { allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { status: { enum: [status] }, code: { enum: [...codes] } } }] }
        : { allOf: [{ $ref: '#/components/schemas/Problem' }, { properties: { status: { enum: [status] } } }] },
    },
  },
});

type Operation = {
  parameters?: { in: string }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
  [PROBLEMS_EXTENSION]?: ProblemCodes;
  [REQUEST_LIMITED_EXTENSION]?: boolean;
};

/** A request-limited operation's answers carry the RateLimit headers, and it may answer 429 with Retry-After. */
function documentRequestLimit(operation: Operation): void {
  for (const [status, response] of Object.entries(operation.responses) as [string, { headers?: Record<string, unknown> }][])
    if (status.startsWith('2')) response.headers = { ...response.headers, ...RATE_LIMIT_HEADERS };
  operation.responses['429'] = {
    ...problemResponse(429, ['RATE_LIMITED']),
    description: 'Problem: RATE_LIMITED, this key made its quota of requests in this window',
    headers: {
      ...RATE_LIMIT_HEADERS,
      'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer', minimum: 1 } },
    },
  };
}

/**
 * Makes the document tell what every service answers, in one place rather than on every route: the
 * problem+json schema, the bearer scheme, 401 and 403 on every non-public route, 400 on every route
 * that takes input (validation, malformed JSON), 413 and 415 on every method that may carry a body,
 * and the codes each route lists with `@ApiProblems`.
 */
export function completeOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA },
    securitySchemes: { ...document.components?.securitySchemes, bearer: { type: 'http', scheme: 'bearer' } },
  };
  let merchantKeyUsed = false;
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item) as [string, Operation][]) {
      if (!operation?.responses) continue;
      const listed = operation[PROBLEMS_EXTENSION] ?? {};
      delete operation[PROBLEMS_EXTENSION];
      const takesInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
      const codes: Record<number, string[]> = {};
      const add = (status: number, more: readonly string[]) => (codes[status] = [...new Set([...(codes[status] ?? []), ...more])]);
      if (takesInput) add(400, operation.requestBody ? ['VALIDATION_FAILED', 'MALFORMED_JSON'] : ['VALIDATION_FAILED']);
      if (BODY_METHODS.has(method)) {
        // Any request may carry a body, wanted or not: the server refuses one too large or not JSON before any route.
        add(413, ['PAYLOAD_TOO_LARGE']);
        add(415, ['UNSUPPORTED_MEDIA_TYPE']);
      }
      for (const [status, more] of Object.entries(listed)) add(Number(status), more ?? []);
      for (const [status, list] of Object.entries(codes)) operation.responses[status] = problemResponse(Number(status), list);
      if (operation[REQUEST_LIMITED_EXTENSION]) documentRequestLimit(operation);
      delete operation[REQUEST_LIMITED_EXTENSION];
      if (!isPublicPath(path)) {
        // Alternatives: the bearer credential everyone has, and the merchant's key where @ApiMerchantKey says so.
        const merchant = (operation.security ?? []).filter((scheme) => MERCHANT_KEY_SCHEME in scheme);
        merchantKeyUsed ||= merchant.length > 0;
        operation.security = [{ bearer: [] }, ...merchant];
        operation.responses['401'] = problemResponse(401, undefined);
        operation.responses['403'] = problemResponse(403, undefined);
      }
    }
  }
  if (merchantKeyUsed) document.components.securitySchemes![MERCHANT_KEY_SCHEME] = MERCHANT_KEY;
  return document;
}
