// A bad setting: `variable` names the environment variable or the config/ file at fault; the message starts
// with it, so that main and glc print it as the one line they exit with.
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
