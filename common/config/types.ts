import { z } from 'zod';

/** A TCP port (0 picks a free one where a command allows it). */
export const port = z.number().int().min(0).max(65535);
/** A duration in milliseconds. */
export const durationMs = z.number().int().min(0);
