import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { completeOpenApiDocument } from './openapi-problems';

/** Serves the OpenAPI UI at `/docs` and its JSON at `/docs-json`. */
export function setupOpenApi(app: INestApplication, title: string, description = ''): void {
  const config = new DocumentBuilder().setTitle(title).setDescription(description).setVersion('1.0').build();
  const document = completeOpenApiDocument(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
