// Exit codes shared by every command (docs/exit-codes.md): scripts and runbooks depend on them.
export const ExitCode = {
  ok: 0,
  /** The command could not do its job at run time (e.g. cluster unreachable). */
  runtimeFailure: 1,
  /** Bad flags, arguments or configuration. */
  usage: 2,
  /** The command ran and found problems (a filter matched, a drill expectation failed). */
  problemsFound: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that carries the exit code the process should end with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad input from the user: flags, config file, environment. Exit 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** Something outside the user's input failed. Exit 1. */
export class RuntimeFailure extends CliError {
  constructor(message: string) {
    super(message, ExitCode.runtimeFailure);
    this.name = 'RuntimeFailure';
  }
}
