// Reads the config and credentials files and builds the model; parse errors name file and line.
import { ConfigError } from '../errors.ts';
import { MAX_CONFIG_BYTES, readTextFile } from '../fs/files.ts';
import type { AwsPaths } from './files.ts';
import { IniSyntaxError, parseIni, type IniSection } from './ini.ts';
import { type AwsConfig, buildConfig } from './model.ts';

/**
 * A config or credentials file's text, or undefined when absent: refused, as botocore refuses
 * it, when it is not UTF-8 (so nothing rewrites it with the bytes replaced), and up to a stated size.
 */
export function readConfigText(path: string, what: 'config file' | 'credentials file'): Promise<string | undefined> {
  return readTextFile(path, what, { maxBytes: MAX_CONFIG_BYTES, strictUtf8: true });
}

export async function loadConfig(paths: AwsPaths): Promise<AwsConfig> {
  const [configText, credentialsText] = await Promise.all([
    readConfigText(paths.configFile, 'config file'),
    readConfigText(paths.credentialsFile, 'credentials file'),
  ]);
  return buildConfig(parseFile(configText, paths.configFile), parseFile(credentialsText, paths.credentialsFile), {
    configFile: paths.configFile,
    credentialsFile: paths.credentialsFile,
  });
}

function parseFile(text: string | undefined, path: string): Map<string, IniSection> {
  if (text === undefined) return new Map();
  try {
    return parseIni(text);
  } catch (err) {
    if (err instanceof IniSyntaxError) {
      throw new ConfigError(
        `${path}${err.line ? `, line ${err.line}` : ''}: ${err.message}`,
        'fix the file; the AWS CLI rejects it too',
      );
    }
    throw err;
  }
}
