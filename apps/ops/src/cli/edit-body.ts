import { CliError } from './ops-client';

/**
 * A stored envelope with `--set PATH=VALUE` edits applied, as the JSON text to send: PATH is a
 * dotted path of object keys (`data.address.city`), VALUE is JSON when it parses as JSON and text
 * otherwise (`--set data.currency=EUR`, `--set data.limit=500`, `--set 'data.note="007"'`). Every
 * step but the last must already be an object; a path into a list or a new branch is refused.
 */
export function applyEdits(body: string, edits: readonly string[]): string {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    throw new CliError('the stored body is not JSON: replace it whole with --body-file', 2);
  }
  for (const edit of edits) {
    const separator = edit.indexOf('=');
    if (separator <= 0) throw new CliError(`--set ${edit}: give PATH=VALUE, e.g. data.currency=EUR`, 2);
    const path = edit.slice(0, separator).split('.');
    if (path.some((key) => key.length === 0)) throw new CliError(`--set ${edit}: "${edit.slice(0, separator)}" is not a path`, 2);
    let target = envelope;
    for (const key of path.slice(0, -1)) {
      const next = isObject(target) ? target[key] : undefined;
      if (!isObject(next)) throw new CliError(`--set ${edit}: the body has no object at "${key}"`, 2);
      target = next;
    }
    if (!isObject(target)) throw new CliError('the stored body is not a JSON object', 2);
    target[path[path.length - 1]] = valueOf(edit.slice(separator + 1));
  }
  return JSON.stringify(envelope);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function valueOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
