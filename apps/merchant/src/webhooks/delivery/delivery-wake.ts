/**
 * Lets the consumer's statements tell this process's delivery worker that rows were recorded, so a
 * notification leaves right after its transaction commits instead of at the next poll. Other
 * processes find the rows at their poll.
 */
class DeliveryWake {
  private listener: (() => void) | undefined;

  listen(listener: (() => void) | undefined): void {
    this.listener = listener;
  }

  wake(): void {
    this.listener?.();
  }
}

export const deliveryWake = new DeliveryWake();
