import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { format, resolveConfig } from 'prettier';
import { codegenConfig, discoverSubgraphs, GENERATED_DIR } from './config';

/** Repository-relative path (forward slashes) → formatted file content. */
export type GeneratedFiles = Map<string, string>;

/**
 * Runs codegen in memory for every discovered subgraph (or only those named) and formats each
 * file with the repository's prettier settings, so the output is byte-for-byte what is committed.
 */
export async function generateResolverTypes(
  root: string,
  only?: readonly string[],
): Promise<GeneratedFiles> {
  const config = codegenConfig(root, only);
  const files: GeneratedFiles = new Map();
  if (Object.keys(config.generates).length === 0) return files;
  // Plugins load from this repository, whatever `root` is (the tests generate in a temp copy).
  const pluginLoader = (name: string) => import(name);
  const outputs = (await generate({ ...config, cwd: root, pluginLoader }, false)) as Array<{
    filename: string;
    content: string;
  }>;
  for (const output of outputs) {
    const path = output.filename.replaceAll('\\', '/');
    const filepath = join(root, path);
    const options = (await resolveConfig(filepath)) ?? {};
    files.set(path, await format(output.content, { ...options, filepath }));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** Files found in `subgraphs/*\/src/generated/`, repository-relative. */
export function committedGeneratedFiles(root: string): string[] {
  const base = join(root, 'subgraphs');
  if (!existsSync(base)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(base, entry.name, GENERATED_DIR);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir, { withFileTypes: true })) {
      if (file.isFile()) found.push(`subgraphs/${entry.name}/${GENERATED_DIR}/${file.name}`);
    }
  }
  return found.sort();
}

export interface Drift {
  file: string;
  problem: 'differs' | 'missing' | 'extra';
}

/**
 * Compares freshly generated resolver types with the files on disk: a file that differs, one
 * that was never generated (`missing`) and a file in a `generated/` folder that codegen no
 * longer produces (`extra`, e.g. left behind by a removed subgraph) are all drift.
 */
export async function findDrift(root: string): Promise<Drift[]> {
  const expected = await generateResolverTypes(root);
  const drift: Drift[] = [];
  for (const [file, content] of expected) {
    const path = join(root, file);
    if (!existsSync(path)) drift.push({ file, problem: 'missing' });
    else if (readFileSync(path, 'utf8') !== content) drift.push({ file, problem: 'differs' });
  }
  for (const file of committedGeneratedFiles(root)) {
    if (!expected.has(file)) drift.push({ file, problem: 'extra' });
  }
  return drift.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Writes the generated files (only those whose content changed) and, when generating every
 * subgraph, deletes stale files from `generated/` folders. Returns the paths written/deleted.
 */
export async function writeResolverTypes(
  root: string,
  only?: readonly string[],
): Promise<{ written: string[]; deleted: string[] }> {
  const files = await generateResolverTypes(root, only);
  const written: string[] = [];
  for (const [file, content] of files) {
    const path = join(root, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(file);
  }
  const deleted: string[] = [];
  if (!only?.length) {
    for (const file of committedGeneratedFiles(root)) {
      if (files.has(file)) continue;
      rmSync(join(root, file));
      deleted.push(file);
    }
  }
  return { written, deleted };
}

export { discoverSubgraphs };
