import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PlatformConfig } from '../config/platform-config';
import { AuthGuard } from './auth.guard';
import { CredentialVerifier, operatorTokensOf, parsePublicKeys } from './credentials';
import { MerchantKeyStatus } from './merchant-key-status';

/**
 * Installs the global AuthGuard; every service imports it (through PlatformModule or directly).
 * MerchantKeyStatus is checked only in a service that keeps it fresh (a MerchantKeyStatusPoller):
 * the services whose routes admit merchant keys.
 */
@Global()
@Module({
  providers: [
    MerchantKeyStatus,
    {
      provide: CredentialVerifier,
      inject: [PlatformConfig, MerchantKeyStatus],
      useFactory: (config: PlatformConfig, status: MerchantKeyStatus) =>
        // A retired bootstrap token logs nobody in here; the service may still send it to others.
        new CredentialVerifier(
          config.opsBootstrapAdmin ? operatorTokensOf(config.opsToken) : [],
          parsePublicKeys(config.authPublicKeys),
          status,
        ),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [CredentialVerifier, MerchantKeyStatus],
})
export class SecurityModule {}
