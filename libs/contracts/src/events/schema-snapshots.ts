import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where the published event schemas are committed, one file per event type and version. */
export const SNAPSHOT_DIR = join(__dirname, '../../../../contracts/schemas');

/** The committed snapshots, by their path under SNAPSHOT_DIR (`<producer>/<Type>.v<N>.json`). */
export function readSnapshots(dir = SNAPSHOT_DIR): Map<string, unknown> {
  const snapshots = new Map<string, unknown>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) snapshots.set(relative(dir, path), JSON.parse(readFileSync(path, 'utf8')));
    }
  };
  if (existsSync(dir)) walk(dir);
  return snapshots;
}

/** A snapshot file's text: stable, so a regenerated unchanged schema is byte for byte the same. */
export const snapshotText = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;
