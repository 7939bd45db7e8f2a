import Ajv, { ValidateFunction } from 'ajv';
import type { Answer } from './http';

type Schema = Record<string, any>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A success schema as a client may rely on it: an object lists every property it has. Problem
 * bodies are left open (RFC 9457 extensions such as `errors`), and so is what the document itself
 * declares open (`additionalProperties`) or composes (`allOf`).
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Schema = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if (copy.properties && copy.additionalProperties === undefined && !copy.allOf) copy.additionalProperties = false;
  return copy;
}

/**
 * Checks real answers against a service's OpenAPI document: the status must be documented for the
 * operation, a body must be documented with its content type, and it must match its schema (ajv,
 * with the document's components for `$ref`s; success bodies may not carry undocumented
 * properties). Checks requests too: what a request schema says of a body or query parameters.
 * Each check answers `[]` when all is well, else what is wrong.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true })
    .addFormat('uuid', UUID)
    .addFormat('date-time', DATE_TIME)
    .addFormat('int32', true)
    .addFormat('int64', true);
  private readonly compiled = { open: new Map<object, ValidateFunction>(), closed: new Map<object, ValidateFunction>() };
  private readonly openComponents: Record<string, Schema>;
  private readonly closedComponents: Record<string, Schema>;

  constructor(readonly document: OpenApiDocument) {
    const schemas = document.components?.schemas ?? {};
    this.openComponents = { schemas };
    this.closedComponents = {
      schemas: Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, name === 'Problem' ? s : (closed(s) as Schema)])),
    };
  }

  check(method: string, path: string, answer: Answer): string[] {
    const found = this.operationOf(method, path);
    if (!found) return [`${method} ${path}: no operation in the document`];
    const where = `${method} ${found.template} ${answer.status}`;
    const response = found.operation.responses[String(answer.status)];
    if (!response) return [`${method} ${found.template}: status ${answer.status} is not documented`];
    // `send` reads an empty answer as `{}`; a real body always comes with its content type.
    const hasBody = answer.contentType !== '' || (typeof answer.body === 'string' && answer.body !== '');
    if (!response.content) return hasBody ? [`${where}: answers a body the document does not describe`] : [];
    const mediaType = answer.contentType.split(';')[0].trim();
    const schema = response.content[mediaType]?.schema;
    if (!schema) return [`${where}: content type ${mediaType || '(none)'} is not documented`];
    const strict = answer.status < 400;
    return this.validate(schema, answer.body, strict).map((error) => `${where}: ${error}`);
  }

  /** What the operation's request schema says of `body`: `[]` if it accepts it. */
  checkRequestBody(method: string, path: string, body: unknown): string[] {
    const found = this.operationOf(method, path);
    const schema = found?.operation.requestBody?.content?.['application/json']?.schema;
    if (!schema) return [`${method} ${path}: no JSON request body in the document`];
    return this.validate(schema, body, false);
  }

  /** What the operation's parameters say of the query string of `path`: `[]` if they accept it. */
  checkQuery(method: string, path: string): string[] {
    const found = this.operationOf(method, path);
    if (!found) return [`${method} ${path}: no operation in the document`];
    const query = new URLSearchParams(path.split('?')[1] ?? '');
    const errors: string[] = [];
    for (const parameter of found.operation.parameters ?? []) {
      if (parameter.in !== 'query') continue;
      const raw = query.get(parameter.name);
      if (raw === null) {
        if (parameter.required) errors.push(`query parameter ${parameter.name} is required`);
        continue;
      }
      const schema = parameter.schema ?? {};
      const numeric = schema.type === 'integer' || schema.type === 'number';
      const value = numeric && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
      errors.push(...this.validate(schema, value, false).map((error) => `${parameter.name}: ${error}`));
    }
    return errors;
  }

  /** Every operation of the document, as `METHOD /template`; `withInput`: only those that take a body or query parameters. */
  operations(withInput = false): string[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      Object.entries(item)
        .filter(([, operation]) => !withInput || operation.requestBody || operation.parameters?.some((p) => p.in === 'query'))
        .map(([method]) => `${method.toUpperCase()} ${template}`),
    );
  }

  /** `METHOD /template` of the operation `path` calls, if the document has one. */
  operationName(method: string, path: string): string | undefined {
    const found = this.operationOf(method, path);
    return found && `${method.toUpperCase()} ${found.template}`;
  }

  private validate(schema: Schema, value: unknown, closedObjects: boolean): string[] {
    const cache = closedObjects ? this.compiled.closed : this.compiled.open;
    let validate = cache.get(schema);
    if (!validate) {
      const root = closedObjects ? (closed(schema) as Schema) : schema;
      validate = this.ajv.compile({ ...root, components: closedObjects ? this.closedComponents : this.openComponents });
      cache.set(schema, validate);
    }
    return validate(value) ? [] : [this.ajv.errorsText(validate.errors)];
  }

  private operationOf(method: string, path: string) {
    const bare = path.split('?')[0];
    // Literal segments first, so /checkouts/unfinished is not taken for /checkouts/{id}.
    const templates = Object.keys(this.document.paths).sort((a, b) => paramCount(a) - paramCount(b));
    for (const template of templates) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = this.document.paths[template][method.toLowerCase()];
      if (operation && pattern.test(bare)) return { template, operation };
    }
    return undefined;
  }
}

const paramCount = (template: string): number => (template.match(/\{/g) ?? []).length;
