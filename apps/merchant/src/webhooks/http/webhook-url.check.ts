import { DomainError } from '@app/domain';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressProblem, TargetPolicy, webhookUrlProblem } from '../domain/webhook-target';

const refused = (reason: string) => new DomainError('validation', 'WEBHOOK_URL_REFUSED', `The webhook URL is refused: ${reason}`);

/**
 * The URL as it will be stored, once its form and every address its name resolves to now pass. The
 * sender checks the addresses again at each attempt, so a name that changes later is caught there.
 */
export async function checkedWebhookUrl(raw: string, policy: TargetPolicy): Promise<string> {
  const problem = webhookUrlProblem(raw, policy);
  if (problem) throw refused(problem);
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) || host === 'localhost') return url.toString();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const addresses = await lookup(host, { all: true }).catch(() => undefined);
  if (!addresses || addresses.length === 0) throw refused(`${host} does not resolve`);
  const bad = addresses.map((a) => addressProblem(a.address, port, policy)).find((p) => p !== undefined);
  if (bad) throw refused(`${host} resolves to ${bad}`);
  return url.toString();
}
