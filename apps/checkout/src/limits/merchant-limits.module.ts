import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { merchantKeyStatusPollerProvider } from './merchant-key-status.provider';
import { RequestCounter } from './request-counter';
import { RequestLimitInterceptor } from './request-limit.interceptor';

/** What Checkout holds merchant keys to besides their signature: Merchant's key status, and the request limit. */
@Module({
  providers: [merchantKeyStatusPollerProvider, RequestCounter, { provide: APP_INTERCEPTOR, useClass: RequestLimitInterceptor }],
})
export class MerchantLimitsModule {}
