/**
 * Building blocks of every settings loader: the documented-setting record, the error that names a bad
 * setting, and readers that apply a loader's documented defaults. `config.ts` composes the loaders.
 *
 * @module
 */

/** One documented setting. */
export interface SettingDoc {
  /** Environment variable. */
  readonly name: string;
  /** Default, as written in `docs/configuration.md`. */
  readonly default: string;
  /** What it does. */
  readonly description: string;
}

/** A setting that does not validate; the message names the variable and the value. */
export class ConfigError extends Error {
  /** The offending variable. */
  readonly setting: string;

  /** A setting error naming `setting` with `message`. */
  constructor(setting: string, message: string) {
    super(`Invalid setting ${setting}: ${message}`);
    this.name = "ConfigError";
    this.setting = setting;
  }
}

/** The environment, as `Deno.env.toObject()` gives it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Readers bound to a list of documented settings (their defaults apply when a variable is unset or blank). */
export interface SettingReader {
  /** The trimmed value, or the documented default. */
  value(env: Env, name: string): string;
  /** A number within `[min, max]` (whole unless `integer` is false). */
  number(env: Env, name: string, min: number, max: number, integer?: boolean): number;
  /** An http(s) URL. */
  httpUrl(env: Env, name: string): string;
}

/** Readers for the settings documented in `docs`. */
export function settingReader(docs: readonly SettingDoc[]): SettingReader {
  const value = (env: Env, name: string): string => {
    const raw = env[name]?.trim();
    if (raw !== undefined && raw !== "") return raw;
    const doc = docs.find((s) => s.name === name);
    if (!doc) throw new Error(`Setting ${name} is not documented`);
    return doc.default;
  };
  return {
    value,
    number(env, name, min, max, integer = true) {
      const text = value(env, name);
      const n = Number(text);
      if (text === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
        throw new ConfigError(
          name,
          `"${text}" is not ${integer ? "a whole number" : "a number"} from ${min} to ${max}`,
        );
      }
      return n;
    },
    httpUrl(env, name) {
      const text = value(env, name);
      try {
        const u = new URL(text);
        if (u.protocol !== "http:" && u.protocol !== "https:") throw new TypeError("not http(s)");
      } catch {
        throw new ConfigError(name, `"${text}" is not an http(s) URL`);
      }
      return text;
    },
  };
}
