import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { register } from 'prom-client';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const body = await register.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(register.contentType).send(body);
  }
}
