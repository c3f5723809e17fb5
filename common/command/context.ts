// What every subcommand receives: the merged configuration and the logger (the program's global
// --config and --log-level applied), plus the flag parsers parts share. cli/main.ts defines the
// global options; a part's `registerX` calls `contextFor(cmd)` inside its actions.
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { ConfigInput, ToolkitConfig } from '../config/schema.js';
import { UsageError } from '../exit-codes.js';
import { configureRootLogger, type Logger, type LogLevel } from '../logging.js';

export interface GlobalOptions {
  config?: string;
  logLevel?: LogLevel;
  /** `pretty` or `json`; unset: pretty on a terminal, JSON otherwise. */
  logFormat?: string;
}

export interface CliContext {
  /** Load config: file < env < these flag values. */
  config(flags?: ConfigInput): ToolkitConfig;
  logger(): Logger;
}

export function contextFor(cmd: Command): CliContext {
  // Global options live on the root program.
  let root = cmd;
  while (root.parent) root = root.parent;
  const globals = root.opts<GlobalOptions>();
  let logger: Logger | undefined;
  return {
    config(flags) {
      const merged: ConfigInput = { ...(flags ?? {}) };
      if (globals.logLevel) merged.log = { ...(merged.log ?? {}), level: globals.logLevel };
      if (globals.logFormat !== undefined) {
        if (globals.logFormat !== 'json' && globals.logFormat !== 'pretty')
          throw new UsageError(`--log-format: ${JSON.stringify(globals.logFormat)} is not pretty or json`);
        merged.log = { ...(merged.log ?? {}), json: globals.logFormat === 'json' };
      }
      return loadConfig({ file: globals.config, flags: merged });
    },
    logger() {
      if (!logger) {
        const cfg = this.config();
        logger = configureRootLogger({ level: cfg.log.level, json: cfg.log.json });
      }
      return logger;
    },
  };
}

/** Parse a port flag value (commander argParser). */
export function parsePortFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`${JSON.stringify(value)} is not a port (0-65535)`);
  return n;
}

export function parseIntFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${JSON.stringify(value)} is not an integer`);
  return n;
}
