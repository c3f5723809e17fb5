// The one configuration schema of the toolkit. Each part owns a section file under sections/;
// this module only composes them. Unknown fields are errors (strict objects everywhere).
import { z } from 'zod';
import { brokerSection } from './sections/broker.js';
import { logSection } from './sections/log.js';

export const configSchema = z.strictObject({
  log: logSection.default(logSection.parse({})),
  broker: brokerSection.default(brokerSection.parse({})),
});

export type ToolkitConfig = z.infer<typeof configSchema>;
/** What a file, the environment or flags may give: any subset. */
export type ConfigInput = z.input<typeof configSchema>;
