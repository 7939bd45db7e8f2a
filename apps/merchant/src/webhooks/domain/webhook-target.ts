import { isIP } from 'node:net';

/** The longest endpoint URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2_048;

/**
 * Where webhooks may go. In production (the default) only `https` to public addresses; in development
 * also plain `http` to loopback, and loopback or private addresses. Never, in either mode, a loopback
 * port of the platform's own (its services, PostgreSQL, RabbitMQ): a merchant must not reach them.
 */
export interface TargetPolicy {
  development: boolean;
  /** Ports of the platform's own services on this host. */
  platformPorts: ReadonlySet<number>;
}

/** Why a URL is refused (a reason for the 400), or undefined when it may be registered. */
export function webhookUrlProblem(raw: string, policy: TargetPolicy): string | undefined {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return `the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'the URL does not parse';
  }
  if (url.username || url.password) return 'the URL may not carry credentials';
  const host = hostOf(url);
  const loopbackName = host === 'localhost' || host.endsWith('.localhost');
  if (url.protocol === 'http:') {
    if (!policy.development) return 'only https URLs are accepted';
    if (!loopbackName && addressKind(host) !== 'loopback') return 'plain http is accepted only to loopback, in development';
  } else if (url.protocol !== 'https:') return 'only https URLs are accepted';
  if (loopbackName) return addressProblem('127.0.0.1', portOf(url), policy);
  return isIP(host) ? addressProblem(host, portOf(url), policy) : undefined;
}

/** Why a resolved address may not be sent to, or undefined: checked again at every send, after DNS. */
export function addressProblem(address: string, port: number, policy: TargetPolicy): string | undefined {
  const kind = addressKind(address);
  if (kind === 'unusable') return `${address} is not a deliverable address`;
  if (kind === 'public') return undefined;
  if (!policy.development) return `${address} is a ${kind} address`;
  if (kind === 'loopback' && policy.platformPorts.has(port)) return `port ${port} on loopback belongs to the platform`;
  return undefined;
}

export type AddressKind = 'public' | 'loopback' | 'private' | 'unusable';

/** Loopback, private (RFC 1918, CGNAT, link-local, ULA) or unusable (unspecified, multicast, reserved) ranges. */
export function addressKind(address: string): AddressKind {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return addressKind(mapped[1]);
  // The URL parser writes an IPv4-mapped address in hex: ::ffff:a00:1 is 10.0.0.1.
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped) {
    const [high, low] = [parseInt(hexMapped[1], 16), parseInt(hexMapped[2], 16)];
    return addressKind(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  if (isIP(address) === 4) return ipv4Kind(address.split('.').map(Number));
  if (isIP(address) === 6) return ipv6Kind(address.toLowerCase());
  return 'unusable';
}

function ipv4Kind([a, b, c]: number[]): AddressKind {
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if ((a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254)) return 'private';
  if (a === 0 || a >= 224 || (a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 198 && (b === 18 || b === 19))) return 'unusable';
  return 'public';
}

function ipv6Kind(address: string): AddressKind {
  if (address === '::1') return 'loopback';
  if (address === '::') return 'unusable';
  if (/^f[cd]/.test(address) || /^fe[89ab]/.test(address)) return 'private';
  if (address.startsWith('ff')) return 'unusable';
  return 'public';
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
const portOf = (url: URL): number => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);
