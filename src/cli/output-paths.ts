/**
 * Output flags are checked before any work: a path that cannot be written (its folder is a file, or a
 * folder stands where a file goes) fails at once, naming the flag, instead of after training or sampling.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ArgumentError } from '../errors.js';

/**
 * Throws an ArgumentError naming `flag` unless `path` can be created as a `kind` ('file' or 'dir'): the
 * path itself, if it exists, is of that kind, and its nearest existing ancestor is a folder.
 *
 * @example
 * ```ts
 * checkOutputPath('si sample', '--out', 'samples.csv', 'file');
 * checkOutputPath('si compare', '--png', 'plots', 'dir');
 * ```
 */
export function checkOutputPath(command: string, flag: string, path: string, kind: 'file' | 'dir'): void {
  const full = resolve(path);
  if (existsSync(full)) {
    const isDir = statSync(full).isDirectory();
    if (kind === 'file' && isDir) throw new ArgumentError(command, flag, 'a file path', `${JSON.stringify(path)}, which is a folder`);
    if (kind === 'dir' && !isDir) throw new ArgumentError(command, flag, 'a folder path', `${JSON.stringify(path)}, which is a file`);
    return;
  }
  let parent = dirname(full);
  while (!existsSync(parent)) parent = dirname(parent);
  if (!statSync(parent).isDirectory()) throw new ArgumentError(command, flag, 'a path inside a folder', `${JSON.stringify(path)}, under ${parent}, which is a file`);
}
