import { z } from 'zod';
import { logLevels } from '../../logging.js';

export const logSection = z.strictObject({
  level: z.enum(logLevels).default('info').describe('log level'),
  json: z.boolean().optional().describe('force JSON logs (default: JSON unless stderr is a terminal)'),
});
