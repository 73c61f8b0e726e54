/** A setting that cannot be used. The message names the setting, where it came from and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly origin: string,
    readonly problem: string,
  ) {
    // One line, whatever the cause says (YAML parser messages span several).
    super(`invalid setting ${setting} (from ${origin}): ${problem}`.replace(/\s*\n\s*/g, ' '));
    this.name = 'ConfigError';
  }
}
