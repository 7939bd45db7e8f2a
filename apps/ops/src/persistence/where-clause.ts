/**
 * A WHERE clause built from optional filters: each condition is written with `?` for its values,
 * which become numbered parameters in order, so a search never splices input into SQL.
 */
export class WhereClause {
  readonly params: unknown[] = [];
  private readonly conditions: string[];

  constructor(...always: string[]) {
    this.conditions = always.length > 0 ? [...always] : ['true'];
  }

  add(condition: string, ...values: unknown[]): this {
    let text = condition;
    for (const value of values) {
      this.params.push(value);
      text = text.replace('?', `$${this.params.length}`);
    }
    this.conditions.push(text);
    return this;
  }

  /** The conditions joined with AND. */
  get sql(): string {
    return this.conditions.join(' AND ');
  }

  /** One more parameter (e.g. the LIMIT), answered as its `$n`. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}
