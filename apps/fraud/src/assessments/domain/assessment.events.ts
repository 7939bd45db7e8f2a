import { CatalogMatches, EventData, EventTypeOf } from '@app/contracts';
import { Message } from '@app/domain';
import { ReasonCode } from './risk-rules';

/** The data of each fraud event is defined once, as its published schema (libs/contracts EventSchemas). */
type Data<T extends EventTypeOf<'fraud'>> = EventData<'fraud', T>;

/** One assessment, the only event of stream `assessment-<assessmentId>`; Ops audits them. */
// The wire says only `string` for a reason, so that a new code is no schema change; the decider emits its own codes.
export type FraudAssessed = Message<'FraudAssessed', Omit<Data<'FraudAssessed'>, 'reasons'> & { reasons: ReasonCode[] }>;

/** Compiles only while EventCatalog.fraud lists exactly these wire names. */
export const fraudWireNames: CatalogMatches<'fraud', FraudAssessed> = true;
