import { Answer, send } from './http';
import { OpenApiConformance, OpenApiDocument } from './openapi-conformance';

/**
 * Drives one service over HTTP and checks every answer against its served document. `send` also
 * checks the request: a body or query the service took (2xx) must be one its schema accepts.
 * `refused` sends a request the schema must reject and the service must answer 400.
 */
export class ConformanceDriver {
  readonly problems: string[] = [];
  private readonly called = new Set<string>();
  private readonly refusedBoth = new Set<string>();

  private constructor(
    private readonly baseUrl: string,
    readonly conformance: OpenApiConformance,
  ) {}

  static async of(baseUrl: string): Promise<ConformanceDriver> {
    const document = (await send(baseUrl, 'GET', '/docs-json')).body as OpenApiDocument;
    return new ConformanceDriver(baseUrl, new OpenApiConformance(document));
  }

  async send(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const answer = await send(this.baseUrl, method, path, options.body, options.headers);
    const name = this.conformance.operationName(method, path);
    if (name) this.called.add(name);
    this.problems.push(...this.conformance.check(method, path, answer));
    if (answer.status >= 200 && answer.status < 300) {
      const taken = [
        ...(options.body === undefined ? [] : this.conformance.checkRequestBody(method, path, options.body)),
        ...this.conformance.checkQuery(method, path),
      ];
      this.problems.push(...taken.map((error) => `${method} ${path}: the service took a request its schema rejects: ${error}`));
    }
    return answer;
  }

  /** A body (or, without one, a query) that both the schema and the service must refuse. */
  async refused(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> {
    const answer = await this.send(method, path, { body, headers });
    const schemaErrors =
      body === undefined ? this.conformance.checkQuery(method, path) : this.conformance.checkRequestBody(method, path, body);
    const what = `${method} ${path} ${JSON.stringify(body) ?? ''}`;
    if (schemaErrors.length === 0) this.problems.push(`${what}: the schema accepts what the service refuses`);
    if (answer.status !== 400) this.problems.push(`${what}: expected the service to refuse it with 400, got ${answer.status}`);
    const name = this.conformance.operationName(method, path);
    if (name && schemaErrors.length > 0 && answer.status === 400) this.refusedBoth.add(name);
    return answer;
  }

  /** Operations of the document no request has called yet. */
  uncalled(): string[] {
    return this.conformance.operations().filter((operation) => !this.called.has(operation));
  }

  /** Operations taking input for which no `refused` request has shown a rule that both the schema and the service keep. */
  unrefused(): string[] {
    return this.conformance.operations(true).filter((operation) => !this.refusedBoth.has(operation));
  }
}
