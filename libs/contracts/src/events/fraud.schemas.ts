import { Type } from '@sinclair/typebox';
import { Amount, Currency, Uuid } from './schema-kit';

/** The data of every version of every fraud event. */
export const FraudEventSchemas = {
  FraudAssessed: {
    1: Type.Object({
      assessmentId: Uuid,
      accountId: Uuid,
      merchantId: Uuid,
      amount: Amount,
      currency: Currency,
      decision: Type.Union([Type.Literal('approve'), Type.Literal('review'), Type.Literal('reject')]),
      score: Type.Number(),
      reasons: Type.Array(Type.String()),
    }),
  },
} as const;
