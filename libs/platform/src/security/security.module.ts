import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PlatformConfig } from '../config/platform-config';
import { AuthGuard } from './auth.guard';
import { CredentialVerifier, operatorTokensOf, parsePublicKeys } from './credentials';

/** Installs the global AuthGuard; every service imports it (through PlatformModule or directly). */
@Global()
@Module({
  providers: [
    {
      provide: CredentialVerifier,
      inject: [PlatformConfig],
      useFactory: (config: PlatformConfig) =>
        // A retired bootstrap token logs nobody in here; the service may still send it to others.
        new CredentialVerifier(config.opsBootstrapAdmin ? operatorTokensOf(config.opsToken) : [], parsePublicKeys(config.authPublicKeys)),
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [CredentialVerifier],
})
export class SecurityModule {}
