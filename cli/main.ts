// The `kafka-sre` program: global options, one registration call per part, exit codes.
// A part's commands are registered here only once they work (`--help` lists only those).
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from '../common/exit-codes.js';
import { logLevels } from '../common/logging.js';
import { registerAlertsCommands } from '../alerts/cli.js';
import { registerBrokerCommands } from '../broker/cli.js';
import { registerChaosCommands } from '../chaos/cli.js';
import { registerDashboardsCommands } from '../dashboards/cli.js';
import { registerExporterCommands } from '../exporter/cli.js';
import { registerOpsCommands } from '../ops/cli.js';
import { registerDoctor } from './doctor.js';
import { registerUp } from './up.js';

export function buildProgram(): Command {
  const program = new Command('kafka-sre')
    .description('Observability and SRE toolkit for Apache Kafka')
    .version(process.env.npm_package_version ?? '0.1.0')
    .option('-c, --config <file>', 'YAML configuration file (env: KAFKA_SRE_CONFIG)')
    .option('--log-level <level>', `log level: ${logLevels.join(', ')}`)
    .showHelpAfterError()
    .exitOverride();
  registerUp(program);
  registerAlertsCommands(program);
  registerBrokerCommands(program);
  registerDoctor(program);
  registerChaosCommands(program);
  registerDashboardsCommands(program);
  registerExporterCommands(program);
  registerOpsCommands(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; any other parse problem is a usage error.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? ExitCode.ok : ExitCode.usage;
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
