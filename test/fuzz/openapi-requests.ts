import { Random, hostilePathValue, hostileRawBodies, hostileStrings, hostileValue } from './hostile-values';

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  format?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  example?: unknown;
};
interface Parameter {
  name: string;
  in: string;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One route of one service, as its OpenAPI document states it. */
export interface Route {
  method: string;
  path: string;
  operation: Operation;
}

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  headers: Record<string, string>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every route in the document: a route added to a service is fuzzed without touching this spec. */
export const routesOf = (doc: OpenApiDocument): Route[] =>
  Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );

/** A plausible value for `schema`, so that a hostile value elsewhere in the body gets past the shallow checks. */
function plausible(schema: Schema | undefined, doc: OpenApiDocument, random: Random, depth = 0): unknown {
  if (!schema || depth > 6) return random.pick(hostileStrings(random));
  if (schema.$ref) return plausible(doc.components?.schemas?.[schema.$ref.split('/').pop()!], doc, random, depth + 1);
  const combined = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (combined?.length) return plausible(random.pick(combined), doc, random, depth + 1);
  if (schema.enum?.length) return random.pick(schema.enum);
  if (schema.example !== undefined && random.chance(0.5)) return schema.example;
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([key, child]) => [key, plausible(child, doc, random, depth + 1)]),
      );
    case 'array':
      return Array.from({ length: random.int(3) + 1 }, () => plausible(schema.items, doc, random, depth + 1));
    case 'integer':
      return random.int(10_000);
    case 'number':
      return random.next() * 100;
    case 'boolean':
      return random.chance(0.5);
    default:
      return schema.format === 'uuid' ? random.uuid() : `fuzz-${random.int(1_000_000)}`;
  }
}

/** Replaces one value somewhere inside `value` (or the whole of it) by a hostile one. */
function corrupt(value: unknown, random: Random): unknown {
  if (typeof value !== 'object' || value === null || random.chance(0.15)) return hostileValue(random);
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
  const keys = Object.keys(copy);
  if (keys.length === 0 || random.chance(0.1)) {
    copy[random.pick(['extra', '__proto__', 'constructor', 'x'.repeat(300)])] = hostileValue(random);
    return copy;
  }
  const key = random.pick(keys);
  if (random.chance(0.1)) delete copy[key];
  else copy[key] = corrupt(copy[key], random);
  return copy;
}

/** Percent-encodes even a lone surrogate (encodeURIComponent throws on it), as the bytes a careless client would send. */
const encodeAnything = (value: string): string =>
  encodeURIComponent(value.replace(/\p{Cs}/gu, '\uFFFD')).replace(/%EF%BF%BD/g, '%ED%A0%80');

function queryString(route: Route, random: Random): string {
  const declared = (route.operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
  const names = [...declared, ...(random.chance(0.2) ? ['unknown', '__proto__[x]', 'limit[]'] : [])];
  const parts = names
    .filter(() => random.chance(0.6))
    .flatMap((name) => {
      const value = String(random.chance(0.7) ? hostileValue(random) : plausible(undefined, { paths: {} }, random));
      const encoded = `${encodeURIComponent(name)}=${random.chance(0.1) && !/\p{Cs}/u.test(value) ? value : encodeAnything(value)}`;
      return random.chance(0.1) ? [encoded, encoded] : [encoded];
    });
  if (random.chance(0.05)) parts.push('%00=%00', 'a=%ED%A0%80', 'b=%');
  return parts.length ? `?${parts.join('&')}` : '';
}

/** One hostile request for `route`, with the operator's credential. */
export function fuzzRequest(route: Route, doc: OpenApiDocument, random: Random, realIds: string[], token: string): FuzzRequest {
  const path = route.path.replace(/\{[^}]+\}/g, () => hostilePathValue(random, realIds)) + queryString(route, random);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (random.chance(0.3)) headers['idempotency-key'] = random.pick(['', 'k', 'x'.repeat(500), random.uuid(), '%00', '../x']);
  const schema = route.operation.requestBody?.content?.['application/json']?.schema;
  // fetch cannot send a body with GET.
  if (route.method === 'GET') return { method: route.method, path, headers };
  const shape = random.int(10);
  if (shape === 0) return { method: route.method, path, headers, body: random.pick(hostileRawBodies), contentType: 'application/json' };
  if (shape === 1)
    return {
      method: route.method,
      path,
      headers,
      body: 'a=1&b=2',
      contentType: random.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']),
    };
  const body = shape === 2 ? plausible(schema, doc, random) : corrupt(plausible(schema, doc, random), random);
  return { method: route.method, path, headers, body: JSON.stringify(body) ?? 'null', contentType: 'application/json' };
}
