// Runs once before every spec: the specs need the real servers, so say plainly when one is missing
// instead of failing hundreds of tests with ECONNREFUSED.
// Jest's moduleNameMapper does not reach global setup; tsconfig-paths resolves the @app/* aliases.
import 'tsconfig-paths/register';
import { findUnreachableDependencies } from '../libs/platform/src/bootstrap/preflight';
import { ensureTestDatabase, testAmqpUrl, testDatabaseUrl } from '../libs/testing/src/fixtures';

export default async function globalSetup(): Promise<void> {
  const problems = await findUnreachableDependencies({ databaseUrl: testDatabaseUrl(), amqpUrl: testAmqpUrl() });
  if (problems.length > 0) throw new Error(`The tests need the real servers:\n${problems.join('\n')}`);
  await ensureTestDatabase();
}
