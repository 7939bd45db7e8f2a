import { Command, Decider, DomainError, Message, fold } from '@app/domain';

/**
 * Given/when/then for pure deciders:
 * `spec.given([opened]).when(purchase(500)).then([purchased(500)])`, or `.thenThrows('CODE')`.
 */
export function deciderSpec<State, C extends Command, E extends Message>(decider: Decider<State, C, E>) {
  return {
    given(history: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, history));
          return {
            /** Asserts the exact events decided. */
            then(expected: E[]): void {
              expect(run()).toEqual(expected);
            },
            /** Asserts the command is refused with a DomainError of this code. */
            thenThrows(code: string): void {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown).toBeInstanceOf(DomainError);
              expect((thrown as DomainError).code).toBe(code);
            },
            /** Asserts the state after applying the decided events. */
            thenState(assert: (state: State) => void): void {
              const state = fold(decider, history);
              assert(fold(decider, decider.decide(command, state), state));
            },
          };
        },
      };
    },
  };
}
