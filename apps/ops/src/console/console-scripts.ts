import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where `npm run build` emits the console's browser code (apps/ops/console, compiled by its own
 * tsconfig beside the Ops bundle). `__dirname` is the bundle's own directory at run time.
 */
export const consoleScriptsDirectory = (): string => join(__dirname, 'console');

/** The console's compiled modules by file name, read once: the only scripts the console route serves. */
export function loadConsoleScripts(directory = consoleScriptsDirectory()): Map<string, string> {
  if (!existsSync(directory)) {
    throw new Error(`The Ops console's scripts are missing from ${directory}: build them with \`npm run build\``);
  }
  const files = readdirSync(directory).filter((file) => /^[a-z-]+\.js$/.test(file));
  return new Map(files.map((file) => [file, readFileSync(join(directory, file), 'utf8')]));
}
