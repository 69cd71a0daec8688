// An app definition as apps.json holds it, for the tests that write a config file or a ConfigStore directly.
import type { AppDefinition } from '../../src/config/app-definition.js';

export function savedApp(id: string, folder: string, over: Partial<AppDefinition> = {}): AppDefinition {
  return {
    id,
    name: id,
    folder,
    settings: { app: 'hello:application' },
    profiles: {},
    activeProfile: 'dev',
    secretEnvKeys: [],
    dotenv: true,
    origin: 'user',
    createdAt: 1,
    updatedAt: 1,
    ...over,
  };
}
