// The broker's commands, loaded on demand: `kafka-sre broker` and the hidden `broker-node` need the
// whole broker, which other commands' processes (and `up`, which only starts it as a child) should
// not load. cli/main.ts asks for them only when one of them runs.
import type { Command } from 'commander';

/** Registers `kafka-sre broker` and `broker-node`; imports broker/cli.ts only when called. */
export async function loadBrokerCommands(): Promise<(program: Command) => void> {
  return (await import('./cli.js')).registerBrokerCommands;
}
