type JsonSchema = Record<string, unknown>;

/** Keywords that document a schema without changing what it accepts. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', '$id', '$schema']);

const isObject = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

const withoutAnnotations = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations);
  if (!isObject(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !ANNOTATIONS.has(key))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => [key, withoutAnnotations(value)]),
  );
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(withoutAnnotations(a)) === JSON.stringify(withoutAnnotations(b));

/**
 * Why `next` may not replace `published` under the same schema version (none: it may). Within a
 * version the only change allowed is one every reader of the version and every stored event
 * survives: a new optional property, or a changed annotation. Anything else needs a new version
 * and an upcaster.
 */
export function incompatibilities(published: unknown, next: unknown, path = ''): string[] {
  if (!isObject(published) || !isObject(next) || published.type !== 'object' || next.type !== 'object') {
    return same(published, next) ? [] : [`${path || '/'}: changed`];
  }
  const problems: string[] = [];
  const oldProps = (published.properties ?? {}) as JsonSchema;
  const newProps = (next.properties ?? {}) as JsonSchema;
  const oldRequired = new Set((published.required ?? []) as string[]);
  const newRequired = new Set((next.required ?? []) as string[]);
  for (const name of Object.keys(oldProps)) {
    if (!(name in newProps)) problems.push(`${path}/${name}: removed`);
    else problems.push(...incompatibilities(oldProps[name], newProps[name], `${path}/${name}`));
    if (oldRequired.has(name) !== newRequired.has(name)) problems.push(`${path}/${name}: required changed`);
  }
  for (const name of Object.keys(newProps)) {
    if (!(name in oldProps) && newRequired.has(name)) problems.push(`${path}/${name}: added as required`);
  }
  const rest = (schema: JsonSchema) => ({ ...schema, properties: undefined, required: undefined });
  if (!same(rest(published), rest(next))) problems.push(`${path || '/'}: object keywords changed`);
  return problems;
}

/** How one generated schema stands against the committed snapshots of `contracts/schemas/`. */
export interface SnapshotVerdict {
  file: string;
  verdict: 'unchanged' | 'compatible' | 'breaking' | 'new' | 'removed';
  problems: string[];
}

/**
 * Compares the generated schemas with the committed ones. `compatible` and `new` are what
 * `npm run contracts:schemas` may write; `breaking` (a change within a version) and `removed` (an
 * old version dropped: stored events stay readable forever) it refuses.
 */
export function compareWithSnapshots(
  generated: readonly { file: string; schema: unknown }[],
  committed: ReadonlyMap<string, unknown>,
): SnapshotVerdict[] {
  const verdicts: SnapshotVerdict[] = generated.map(({ file, schema }) => {
    if (!committed.has(file)) return { file, verdict: 'new', problems: [] };
    const published = committed.get(file);
    if (JSON.stringify(published) === JSON.stringify(schema)) return { file, verdict: 'unchanged', problems: [] };
    const problems = incompatibilities(published, schema);
    return { file, verdict: problems.length > 0 ? 'breaking' : 'compatible', problems };
  });
  const generatedFiles = new Set(generated.map((g) => g.file));
  for (const file of committed.keys()) {
    if (!generatedFiles.has(file)) verdicts.push({ file, verdict: 'removed', problems: ['a published version is gone'] });
  }
  return verdicts;
}
