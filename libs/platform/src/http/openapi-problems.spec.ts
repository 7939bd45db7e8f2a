import type { OpenAPIObject } from '@nestjs/swagger';
import { completeOpenApiDocument } from './openapi-problems';

const documentWith = (paths: Record<string, Record<string, object>>): OpenAPIObject =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths }) as unknown as OpenAPIObject;

const codesOf = (response: any): string[] => response.content['application/problem+json'].schema.allOf[1].properties.code.enum;

describe('completeOpenApiDocument', () => {
  it('documents the problem codes a route lists, by status, besides the ones of its kind of route', () => {
    // Given a route with a body that lists its own codes
    const document = documentWith({
      '/things/{id}': {
        post: {
          parameters: [{ in: 'path', name: 'id' }],
          requestBody: {},
          responses: { '200': { description: 'ok' } },
          'x-problems': { 400: ['INVALID_THING'], 404: ['THING_NOT_FOUND'], 503: ['STORE_UNAVAILABLE'] },
        },
      },
    });

    // When the document is completed
    const operation = completeOpenApiDocument(document).paths['/things/{id}'].post as any;

    // Then every status it can answer is there with its codes, and the listing is gone
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '415', '503']);
    expect(codesOf(operation.responses['400'])).toEqual(['VALIDATION_FAILED', 'MALFORMED_JSON', 'INVALID_THING']);
    expect(codesOf(operation.responses['404'])).toEqual(['THING_NOT_FOUND']);
    expect(codesOf(operation.responses['413'])).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(codesOf(operation.responses['415'])).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(operation['x-problems']).toBeUndefined();
  });

  it('adds no 400 to a route without input, and no body statuses to a GET', () => {
    const document = documentWith({ '/things': { get: { responses: { '200': { description: 'ok' } } } } });

    const operation = completeOpenApiDocument(document).paths['/things'].get as any;

    expect(Object.keys(operation.responses).sort()).toEqual(['200', '401', '403']);
  });

  it('defines the bearer scheme and the problem schema once for the whole document', () => {
    const completed = completeOpenApiDocument(documentWith({}));

    expect(completed.components?.securitySchemes?.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    expect(completed.components?.schemas?.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail', 'code'] });
  });

  it("names the merchant's key as a second scheme on the routes that take it, and only where one does", () => {
    // Given one route a merchant's key may call and one it may not
    const document = documentWith({
      '/orders': {
        get: { responses: { '200': { description: 'ok' } }, security: [{ merchantApiKey: [] }] },
        delete: { responses: { '200': { description: 'ok' } } },
      },
    });

    // When the document is completed
    const completed = completeOpenApiDocument(document);

    // Then the first lists both alternatives, the second only the bearer credential, and the scheme is defined
    expect((completed.paths['/orders'].get as any).security).toEqual([{ bearer: [] }, { merchantApiKey: [] }]);
    expect((completed.paths['/orders'].delete as any).security).toEqual([{ bearer: [] }]);
    expect(completed.components?.securitySchemes?.merchantApiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(completeOpenApiDocument(documentWith({})).components?.securitySchemes?.merchantApiKey).toBeUndefined();
  });
});
