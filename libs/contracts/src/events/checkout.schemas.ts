import { Type } from '@sinclair/typebox';
import { Amount, Balance, Currency, Id, Text, Uuid } from './schema-kit';

const LineItem = Type.Object({ sku: Text, quantity: Type.Integer({ minimum: 1 }), unitPrice: Amount });

/** The data of every version of every checkout event. */
export const CheckoutEventSchemas = {
  CheckoutStarted: {
    1: Type.Object({
      checkoutId: Uuid,
      accountId: Uuid,
      merchantId: Uuid,
      items: Type.Array(LineItem),
      currency: Currency,
      total: Amount,
      idempotencyKey: Type.Optional(Type.String()),
    }),
  },
  PaymentAuthorised: { 1: Type.Object({ checkoutId: Uuid, authorisationId: Id, assessmentId: Type.Optional(Type.String()) }) },
  AccountCharged: {
    1: Type.Object({
      checkoutId: Uuid,
      accountId: Uuid,
      transactionId: Id,
      amount: Amount,
      currency: Currency,
      balanceAfter: Type.Optional(Balance),
    }),
  },
  PaymentCaptured: { 1: Type.Object({ checkoutId: Uuid, authorisationId: Id }) },
  PaymentCaptureFailed: { 1: Type.Object({ checkoutId: Uuid, authorisationId: Id, reason: Type.String() }) },
  CheckoutAbandoned: { 1: Type.Object({ checkoutId: Uuid, reason: Type.String(), stage: Type.String() }) },
  CheckoutCompleted: { 1: Type.Object({ checkoutId: Uuid, accountId: Uuid, merchantId: Uuid, total: Amount, currency: Currency }) },
  CheckoutCompensated: { 1: Type.Object({ checkoutId: Uuid, reason: Type.String(), refunded: Type.Boolean(), voided: Type.Boolean() }) },
  CheckoutRejected: {
    1: Type.Object({
      checkoutId: Uuid,
      accountId: Uuid,
      merchantId: Uuid,
      total: Amount,
      currency: Currency,
      reason: Type.String(),
      details: Type.Optional(Type.Array(Type.String(), { description: "why, beyond the code: e.g. the fraud assessment's reasons" })),
      voided: Type.Optional(Type.Boolean({ description: 'whether an authorisation had to be voided on the way out' })),
    }),
  },
} as const;
