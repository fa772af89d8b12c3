/**
 * @module The server's only entry point: `tsx server/main.ts` (npm start). Reads the environment, starts
 * Papo, and stops it cleanly on SIGTERM or SIGINT.
 */
import { ConfigError, loadConfig } from './config';
import { startPapo, StartError } from './app';
import { createLogger } from './log';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const papo = await startPapo(config, { log });
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1); // a second Ctrl-C means "now"
    log.info(`${signal}: stopping`);
    papo.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('stop failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // Issue 14: PostgreSQL or Redis unreachable at start: one line naming the host, no stack (nothing to debug).
  if (err instanceof StartError) {
    process.stderr.write(`Papo could not start: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Papo could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
