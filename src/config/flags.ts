import { parseArgs } from 'node:util';
import { ConfigError } from './errors.js';
import { settings } from './settings.js';
import { didYouMean } from './suggest.js';

export interface ParsedFlags {
  command: 'run' | 'demo';
  help: boolean;
  version: boolean;
  printConfig: boolean;
  /** By setting key (`collector.<name>` for collectors); a repeated list flag's values joined by commas. */
  values: Map<string, { text: string; origin: string }>;
}

const commandFlags = ['help', 'version', 'print-config'];
const boolKeys = new Set(settings.filter((spec) => spec.type === 'bool').map((spec) => spec.key));
const listKeys = new Set(settings.filter((spec) => spec.type === 'list').map((spec) => spec.key));
const secretKeys = new Set(settings.filter((spec) => spec.secret).map((spec) => spec.key));
/** Flags that take a value: every setting but the booleans, and `<key>-file` for each secret. */
const valueKeys = new Set(
  settings
    .filter((spec) => spec.type !== 'bool')
    .flatMap((spec) => (spec.secret ? [spec.key, `${spec.key}-file`] : [spec.key])),
);

/**
 * Reads `[demo] --name=value --name value --bool [true|false] --no-collector.<name> ...`. A list flag may be
 * repeated and accumulates; any other flag given twice is refused, as is a secret given both inline and as a file.
 */
export function parseFlags(argv: readonly string[], collectorNames: readonly string[]): ParsedFlags {
  const { tokens } = parseArgs({
    args: [...argv],
    options: {
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries([...valueKeys].map((key) => [key, { type: 'string' as const }])),
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const result: ParsedFlags = {
    command: 'run',
    help: false,
    version: false,
    printConfig: false,
    values: new Map(),
  };
  const add = (key: string, text: string, origin: string) => {
    const previous = result.values.get(key);
    if (previous && listKeys.has(key)) {
      result.values.set(key, { text: `${previous.text},${text}`, origin });
      return;
    }
    if (previous) {
      throw new ConfigError(key, origin, 'given more than once; only list settings accumulate, give it once');
    }
    const secret = key.endsWith('-file') ? key.slice(0, -'-file'.length) : `${key}-file`;
    if (secretKeys.has(key) || secretKeys.has(secret)) {
      if (result.values.has(secret)) {
        throw new ConfigError(key, origin, `given together with --${secret}; give the secret one way`);
      }
    }
    result.values.set(key, { text, origin });
  };

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind !== 'option') {
      if (token.kind === 'positional' && token.index === 0 && token.value === 'demo') {
        result.command = 'demo';
        continue;
      }
      const argument = token.kind === 'positional' ? token.value : '--';
      throw new ConfigError(
        argument,
        'command line',
        'unexpected argument; settings are given as --name=value',
      );
    }
    const { name, rawName } = token;
    const origin = `flag ${rawName}`;
    let text = token.value;
    if (name === 'help') result.help = true;
    else if (name === 'version') result.version = true;
    else if (name === 'print-config') result.printConfig = true;
    else if (name.startsWith('no-collector.')) {
      if (text !== undefined) throw new ConfigError(name, origin, 'takes no value');
      add(name.slice('no-'.length), 'false', origin);
    } else if (name.startsWith('collector.') || boolKeys.has(name)) {
      const next = tokens[index + 1];
      if (text === undefined && next?.kind === 'positional' && /^(true|false)$/.test(next.value)) {
        text = next.value;
        index++;
      }
      add(name, text ?? 'true', origin);
    } else if (valueKeys.has(name)) {
      if (text === undefined) throw new ConfigError(name, origin, 'needs a value');
      add(name, text, origin);
    } else {
      const known = [
        ...commandFlags,
        ...boolKeys,
        ...valueKeys,
        ...collectorNames.flatMap((collector) => [`collector.${collector}`, `no-collector.${collector}`]),
      ];
      throw new ConfigError(
        name,
        origin,
        `unknown setting: there is no flag ${rawName}; ${didYouMean(name, known, '--') || 'see --help'}`,
      );
    }
  }
  return result;
}
