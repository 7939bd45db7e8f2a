import { runCli } from './cli/run-cli';

void runCli(process.argv.slice(2), process.env).then((code) => {
  process.exitCode = code;
});
