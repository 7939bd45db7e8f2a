import { eventually } from '@app/testing';
import { ClusterPlatform } from './cluster-platform';
import { send } from '../../support/http';
import { queueDepths } from './rabbitmq-cluster';
import { FlowRecord } from './steady-flow';

interface StreamEvent {
  version: number;
  type: string;
  data: { transactionId?: string; amount?: number; limit?: number; newLimit?: number; address?: { street: string } };
}

/** What the invariants counted, for the closing note. */
export interface InvariantCounts {
  acknowledgedCheckouts: number;
  completedCheckouts: number;
  charges: number;
  acknowledgedAddressChanges: number;
  accountsMatchingStreams: number;
  salesLedgerCount: number;
  deadLetters: number;
}

/** The account's read model as its stream says it must be: the contract's balance = limit − open purchases (docs/architecture.md#ports-and-routes). */
function expectedView(events: StreamEvent[]) {
  let limit = 0;
  let open = 0;
  let street = '';
  for (const { type, data } of events) {
    if (type === 'AccountOpened') {
      limit = data.limit ?? 0;
      street = data.address?.street ?? '';
    }
    if (type === 'LimitUpdated') limit = data.newLimit ?? limit;
    if (type === 'AddressUpdated') street = data.address?.street ?? street;
    if (type === 'ItemPurchased') open += data.amount ?? 0;
    if (type === 'PurchaseRefunded') open -= data.amount ?? 0;
  }
  return { version: events[events.length - 1].version, balance: limit - open, street };
}

/**
 * After a flow with failures: nothing acknowledged is lost, no effect is doubled (each charge is a
 * completed checkout and each completed checkout is charged once), every read model matches its
 * stream, and nothing was dead-lettered. Throws with the first broken one.
 */
export async function checkInvariants(cluster: ClusterPlatform, record: FlowRecord): Promise<InvariantCounts> {
  const account = cluster.url('account');
  const checkout = cluster.url('checkout');
  const netCharges: string[] = [];
  for (const accountId of record.accounts) {
    const events = (await send<StreamEvent[]>(account, 'GET', `/accounts/${accountId}/events`)).body;
    const charged = events.filter((e) => e.type === 'ItemPurchased').map((e) => e.data.transactionId!);
    const refunded = new Set(events.filter((e) => e.type === 'PurchaseRefunded').map((e) => e.data.transactionId!));
    if (new Set(charged).size !== charged.length) throw new Error(`account ${accountId} was charged twice for one checkout`);
    netCharges.push(...charged.filter((id) => !refunded.has(id)));
    const streets = new Set(events.filter((e) => e.type === 'AddressUpdated').map((e) => e.data.address!.street));
    const acknowledged = record.addresses.get(accountId)!;
    const lost = acknowledged.filter((street) => !streets.has(street));
    if (lost.length > 0) throw new Error(`acknowledged address changes of ${accountId} are missing from its stream: ${lost.join(', ')}`);
    const expected = expectedView(events);
    if (acknowledged.length > 0 && expected.street !== acknowledged[acknowledged.length - 1])
      throw new Error(`account ${accountId} ends on an address nobody set last`);
    await eventually(
      async () => {
        const view = (await send(account, 'GET', `/accounts/${accountId}`)).body;
        return view.version === expected.version && view.balance === expected.balance && view.address?.street === expected.street;
      },
      60_000,
      250,
    ).catch(() => {
      throw new Error(`account ${accountId}'s read model does not match its stream: ${JSON.stringify(expected)}`);
    });
  }
  const completed = [...record.checkouts].filter(([, status]) => status === 'completed').map(([id]) => id);
  const charges = new Set(netCharges);
  const uncharged = completed.filter((id) => !charges.has(id));
  if (uncharged.length > 0) throw new Error(`completed checkouts without a charge: ${uncharged.join(', ')}`);
  for (const [checkoutId, status] of record.checkouts) {
    const view = (await send(checkout, 'GET', `/checkouts/${checkoutId}`)).body;
    if (view.status !== status) throw new Error(`checkout ${checkoutId} was answered ${status} but is now ${view.status}`);
  }
  // A charge the caller never heard about must still belong to a completed checkout.
  for (const id of netCharges.filter((charge) => !record.checkouts.has(charge))) {
    const view = await eventually(
      async () => {
        const { body } = await send(checkout, 'GET', `/checkouts/${id}`);
        return body.status === 'completed' || body.status === 'rejected' ? body : undefined;
      },
      90_000,
      500,
    );
    if (view.status !== 'completed') throw new Error(`account charged for checkout ${id}, which ended ${view.status}`);
  }
  const ledger = await eventually(
    async () => {
      const { body } = await send(cluster.url('merchant'), 'GET', `/merchants/${record.merchantId}/sales`);
      return body.count === charges.size ? body : undefined;
    },
    60_000,
    250,
  ).catch(() => {
    throw new Error(`the merchant's sales ledger does not count the ${charges.size} charged checkouts`);
  });
  const deadLetters = (await send(cluster.url('ops'), 'GET', '/dead-letters')).body.total as number;
  const parked = Object.entries(queueDepths(cluster.vhost, /\.dlq$/)).filter(([, depth]) => depth > 0);
  if (deadLetters > 0 || parked.length > 0)
    throw new Error(`messages were dead-lettered: ${deadLetters} in Ops, ${JSON.stringify(parked)}`);
  return {
    acknowledgedCheckouts: record.checkouts.size,
    completedCheckouts: completed.length,
    charges: charges.size,
    acknowledgedAddressChanges: [...record.addresses.values()].reduce((sum, list) => sum + list.length, 0),
    accountsMatchingStreams: record.accounts.length,
    salesLedgerCount: ledger.count,
    deadLetters,
  };
}
