// Front door of common/command: the contract between the program (cli/) and a part's commands and
// `up` services. A part's `registerX` uses `contextFor` and the flag parsers; its `up` starter
// implements `ServiceStarter`. Loads commander and the config loader (zod, yaml): import it from
// command and service modules only, not from code a long-running process needs for its work.
// Re-exports only (no code, no side effects): docs/architecture.md.
export { contextFor, parseIntFlag, parsePortFlag, type CliContext, type GlobalOptions } from './context.js';
export type { Endpoint, RunningService, ServiceStarter, UpContext } from './services.js';
