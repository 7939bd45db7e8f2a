import { Producer, asyncApiDocument } from '@app/contracts';
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public, SERVICE_NAME } from '@app/platform';

/**
 * A producer's AsyncAPI 3 document: the contract of its queues for downstream teams. Public like
 * `/docs`: it holds schemas, never data. Built once, since it follows from the code alone.
 */
@ApiExcludeController()
@Controller()
@Public()
export class AsyncApiController {
  private readonly document: Record<string, unknown>;

  constructor(@Inject(SERVICE_NAME) service: Producer) {
    this.document = asyncApiDocument(service);
  }

  @Get('asyncapi.json')
  @Header('cache-control', 'no-cache')
  asyncApi(): Record<string, unknown> {
    return this.document;
  }
}
