/** A setting that cannot be used. The message names the setting, where it came from and what is allowed. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly origin: string,
    readonly problem: string,
  ) {
    super(`invalid setting ${setting} (from ${origin}): ${problem}`);
    this.name = 'ConfigError';
  }
}
