import { pollDefinitionSchema, type PollDefinition } from './schemas.ts';
import { loadYamlDir } from '../content/yaml.server.ts';

/** Poll definitions from src/content/polls/*.yaml, for syncing at start-up. */
export function loadPollDefinitions(dir: string): PollDefinition[] {
  return loadYamlDir(dir, pollDefinitionSchema).map(({ file, data }) => {
    if (`${data.id}.yaml` !== file) throw new Error(`${dir}/${file}: id "${data.id}" must match the file name`);
    return data;
  });
}
