import Ajv from 'ajv';
import type { Answer } from './http';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>>; components?: object };

/**
 * Checks real answers against a service's OpenAPI document: the status must be documented for the
 * operation, and a body the document describes must match its schema (ajv, with the document's
 * components for `$ref`s). Answers `[]` when the answer conforms, else what is wrong.
 */
export class OpenApiConformance {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });

  constructor(private readonly document: Document) {}

  check(method: string, path: string, answer: Answer): string[] {
    const found = this.operationOf(method, path);
    if (!found) return [`${method} ${path}: no operation in the document`];
    const response = found.operation.responses[String(answer.status)] ?? found.operation.responses.default;
    if (!response) return [`${method} ${found.template}: status ${answer.status} is not documented`];
    const mediaType = answer.contentType.split(';')[0].trim();
    const schema = response.content?.[mediaType]?.schema;
    if (!response.content) return [];
    if (!schema) return [`${method} ${found.template} ${answer.status}: content type ${mediaType} is not documented`];
    const validate = this.ajv.compile({ ...schema, components: this.document.components });
    return validate(answer.body) ? [] : [`${method} ${found.template} ${answer.status}: ${this.ajv.errorsText(validate.errors)}`];
  }

  private operationOf(method: string, path: string) {
    const bare = path.split('?')[0];
    for (const [template, item] of Object.entries(this.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = item[method.toLowerCase()];
      if (operation && pattern.test(bare)) return { template, operation };
    }
    return undefined;
  }
}
