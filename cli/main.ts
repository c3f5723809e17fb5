// The `kafka-sre` program: global options, one registration call per part, exit codes.
// A part's commands are registered here only once they work (`--help` lists only those).
// Parts load lazily: a command loads only the part that owns it (the exporter process does not
// carry the broker, chaos runner or dashboards in memory); help and unknown commands load all.
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode, logLevels } from '../common/index.js';

type Register = (program: Command) => void;

/** Each part: the top-level commands it registers and how to load its registration. */
const parts: { commands: string[]; load(): Promise<Register> }[] = [
  { commands: ['up'], load: async () => (await import('./up.js')).registerUp },
  { commands: ['alerts'], load: async () => (await import('../alerts/index.js')).registerAlertsCommands },
  { commands: ['broker', 'broker-node'], load: async () => (await import('../broker/index.js')).loadBrokerCommands() },
  { commands: ['doctor'], load: async () => (await import('./doctor.js')).registerDoctor },
  { commands: ['chaos'], load: async () => (await import('../chaos/index.js')).registerChaosCommands },
  { commands: ['dashboards'], load: async () => (await import('../dashboards/index.js')).registerDashboardsCommands },
  { commands: ['exporter'], load: async () => (await import('../exporter/index.js')).registerExporterCommands },
  {
    commands: ['cluster', 'topics', 'groups', 'offsets', 'log', 'acls', 'transactions'],
    load: async () => (await import('../ops/index.js')).registerOpsCommands,
  },
];

/** V8's default (flag-definitions.h); there is no API to read a flag's value back. */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

/** The first argument that is not a global option (or its value): the command name, if any. */
export function commandNameOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-c' || a === '--config' || a === '--log-level' || a === '--log-format') {
      i += 1;
      continue;
    }
    if (a.startsWith('-')) continue;
    return a;
  }
  return undefined;
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('kafka-sre')
    .description('Observability and SRE toolkit for Apache Kafka')
    .version(process.env.npm_package_version ?? '0.1.0')
    .option('-c, --config <file>', 'YAML configuration file (env: KAFKA_SRE_CONFIG)')
    .option('--log-level <level>', `log level: ${logLevels.join(', ')}`)
    .option('--log-format <format>', 'pretty or json (default: pretty on a terminal, json otherwise)')
    .showHelpAfterError()
    .exitOverride();
  const name = commandNameOf(argv.slice(2));
  const owner = parts.find((p) => name !== undefined && p.commands.includes(name));
  for (const part of owner ? [owner] : parts) (await part.load())(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  // Start-up is over (bin/kafka-sre.js held the young generation at its initial size while the
  // modules loaded): V8's default growth factor again for the command's own work.
  if (!/semi-space/.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`))
    setFlagsFromString(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; any other parse problem is a usage error.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? ExitCode.ok
        : ExitCode.usage;
    }
    if (e instanceof CliError) {
      process.stderr.write(`kafka-sre: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`kafka-sre: ${(e as Error).stack ?? String(e)}\n`);
    return ExitCode.runtimeFailure;
  }
}

const code = await main(process.argv);
process.exitCode = code;
