// Writes the published JSON Schema of every event type and version to contracts/schemas/
// (`npm run contracts:schemas`). It adds new versions and backward-compatible changes, and refuses
// a breaking change within a version or a dropped version: those need a new version and an upcaster.
import { SNAPSHOT_DIR, compareWithSnapshots, publishedSchemas, readSnapshots, snapshotText } from '@app/contracts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const generated = publishedSchemas();
const verdicts = compareWithSnapshots(generated, readSnapshots());
const refused = verdicts.filter((v) => v.verdict === 'breaking' || v.verdict === 'removed');
if (refused.length > 0) {
  for (const { file, verdict, problems } of refused) process.stderr.write(`${file}: ${verdict}: ${problems.join('; ')}\n`);
  process.stderr.write('Nothing written. Give the event a new schema version with an upcaster instead.\n');
  process.exit(1);
}
for (const { file, schema } of generated) {
  const verdict = verdicts.find((v) => v.file === file)!.verdict;
  if (verdict === 'unchanged') continue;
  mkdirSync(dirname(join(SNAPSHOT_DIR, file)), { recursive: true });
  writeFileSync(join(SNAPSHOT_DIR, file), snapshotText(schema));
  process.stdout.write(`${verdict}: contracts/schemas/${file}\n`);
}
