import { BaseRpcContext } from '@nestjs/microservices';
import { EntityManager } from 'typeorm';
import type { Delivery } from '../consumer/queue-consumer';

/** The `@Ctx()` of an event handler: write through `manager` so effects commit with the inbox row. */
export class EventContext extends BaseRpcContext<[Delivery]> {
  get delivery(): Delivery {
    return this.args[0];
  }
  get manager(): EntityManager {
    return this.args[0].manager;
  }
  get queue(): string {
    return this.args[0].queue;
  }
}
