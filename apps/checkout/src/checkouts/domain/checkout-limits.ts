import { DomainError } from '@app/domain';
import { LineItem } from './checkout.events';

/**
 * Size limits that keep every total an exact integer: 100 × 10 000 × 10⁹ = 10¹⁵, well below
 * Number.MAX_SAFE_INTEGER (≈ 9 × 10¹⁵), so no sum or product can lose precision.
 */
export const CheckoutLimits = {
  maxItems: 100,
  maxQuantity: 10_000,
  maxUnitPrice: 1_000_000_000,
  maxSkuLength: 64,
} as const;

/** Σ quantity × unitPrice after checking every size limit; a total of 0 is refused (nothing to pay). */
export function totalOf(items: readonly LineItem[]): number {
  if (items.length === 0) throw new DomainError('validation', 'NO_ITEMS', 'A checkout needs at least one item');
  if (items.length > CheckoutLimits.maxItems) {
    throw new DomainError('validation', 'TOO_MANY_ITEMS', `A checkout may have at most ${CheckoutLimits.maxItems} items`);
  }
  let total = 0;
  for (const item of items) {
    if (typeof item.sku !== 'string' || item.sku.length === 0 || item.sku.length > CheckoutLimits.maxSkuLength) {
      throw new DomainError('validation', 'INVALID_SKU', `Each sku must be 1 to ${CheckoutLimits.maxSkuLength} characters`);
    }
    if (!inRange(item.quantity, 1, CheckoutLimits.maxQuantity)) {
      throw new DomainError('validation', 'INVALID_QUANTITY', `Each quantity must be an integer from 1 to ${CheckoutLimits.maxQuantity}`);
    }
    if (!inRange(item.unitPrice, 0, CheckoutLimits.maxUnitPrice)) {
      throw new DomainError(
        'validation',
        'INVALID_UNIT_PRICE',
        `Each unitPrice must be an integer amount in minor units from 0 to ${CheckoutLimits.maxUnitPrice}`,
      );
    }
    total += item.quantity * item.unitPrice;
  }
  if (total < 1) throw new DomainError('validation', 'NOTHING_TO_PAY', 'The checkout total must be at least 1 minor unit');
  return total;
}

const inRange = (value: number, min: number, max: number): boolean => Number.isSafeInteger(value) && value >= min && value <= max;
