// How long stopping a cluster node may take, end to end: every node process is gone within 10 s
// of a SIGTERM to the launcher, whether its peers are still there or not. The bounds nest, so each
// layer's fallback fires before the next one's:
//   controlled shutdown (moving leaderships away)  <= CONTROLLED_SHUTDOWN_MAX_MS
//   the node's own stop, then it exits by itself   <= NODE_STOP_BOUND_MS (exit code 1 if it overruns)
//   the launcher SIGKILLs a node still alive after    NODE_KILL_AFTER_MS (from the full stop's start)
// With a live controller a controlled shutdown is one metadata commit (milliseconds); the cap only
// matters when no controller answers, where waiting longer cannot help.

/** Upper bound of the controlled-shutdown phase (broker.controlledShutdownTimeoutMs is capped to it). */
export const CONTROLLED_SHUTDOWN_MAX_MS = 5_000;

/** A node that has not finished stopping this long after the stop began exits anyway. */
export const NODE_STOP_BOUND_MS = 8_000;

/**
 * The launcher's SIGKILL after its SIGTERM (after the start of a full stop, for the node stopped
 * last): only a node stuck beyond its own bound meets it.
 */
export const NODE_KILL_AFTER_MS = 9_000;

/** A full stop stops the active controller's node last: once the others are gone, or after this. */
export const CONTROLLER_LAST_WAIT_MS = 3_000;
