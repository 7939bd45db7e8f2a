import { Controller, Type } from '@nestjs/common';
import { EventBatchContext } from '../transport/event-batch';
import { EventContext } from '../transport/event-context';
import { OnPatterns } from '../transport/on';
import { eventPattern, rebuildPattern } from '../transport/patterns';
import { Projection, projectionQueue, statementGroups } from './projection';

const decorate = (prototype: object, key: string, method: (...args: never[]) => unknown, decorator: MethodDecorator) => {
  Object.defineProperty(prototype, key, { value: method, writable: true, configurable: true });
  decorator(prototype, key, Object.getOwnPropertyDescriptor(prototype, key)!);
};

/**
 * The Nest controller that feeds a projection from its queue: one handler per statement, keyed by
 * producer and type as `@On` / `@OnBatch` key theirs, and a rebuild handler that truncates its tables.
 */
export function projectionController(projection: Projection): Type<unknown> {
  const controller = class {};
  Object.defineProperty(controller, 'name', { value: `${projection.name}Projection` });
  statementGroups(projection).forEach((group, i) => {
    const patterns = group.types.map((type) => eventPattern(projection.producer, type));
    decorate(
      controller.prototype,
      `apply${group.types.join('Or')}${i}`,
      (payload: unknown, context: EventContext | EventBatchContext) => group.apply(context.manager, payload),
      OnPatterns(patterns, group.batch),
    );
  });
  decorate(
    controller.prototype,
    'rebuild',
    (_payload: unknown, context: EventContext) => context.manager.query(`TRUNCATE ${projection.tables.join(', ')}`),
    OnPatterns(rebuildPattern(projectionQueue(projection)), false),
  );
  Controller()(controller);
  return controller;
}
