// Structured logging: JSON lines when output is not a terminal, human-readable on a TTY.
// pino-pretty (and its dependencies, ~1 MB of heap) is loaded only when a logger is made for a
// terminal: a service, a container or a test never prints pretty lines.
import { createRequire } from 'node:module';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import type pinoPretty from 'pino-pretty';

export type { Logger };
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerOptions {
  level?: LogLevel;
  /** Force JSON (true) or pretty (false); default: pretty only when stderr is a TTY. */
  json?: boolean;
  name?: string;
}

// Credentials must never reach a log line, whatever a caller passes in.
const redact = {
  paths: ['password', '*.password', '*.*.password', 'sasl.password', 'token', '*.token', 'secret', '*.secret'],
  censor: '[redacted]',
};

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level: LevelWithSilent = opts.level ?? (process.env.KAFKA_SRE_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const json = opts.json ?? !process.stderr.isTTY;
  const base = { name: opts.name, level, redact };
  if (json) return pino(base, pino.destination({ fd: 2, sync: true }));
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof pinoPretty;
  return pino(
    base,
    pretty({ destination: 2, colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true }),
  );
}

let root: Logger | undefined;
/** The process-wide logger; `configureRootLogger` sets it from --log-level. */
export function rootLogger(): Logger {
  root ??= createLogger();
  return root;
}
export function configureRootLogger(opts: LoggerOptions): Logger {
  root = createLogger(opts);
  return root;
}
