/** A service this one depends on did not answer usefully; mapped to 503 `<SERVICE>_UNAVAILABLE`. */
export class DownstreamUnavailableError extends Error {
  readonly code: string;

  constructor(
    readonly serviceName: string,
    override readonly cause?: unknown,
  ) {
    super(`The ${serviceName} service is unavailable`);
    this.name = 'DownstreamUnavailableError';
    this.code = `${serviceName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_UNAVAILABLE`;
  }
}
