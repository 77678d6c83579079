import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every document a tracked file cites is in the repository (docs/README.md):
 * - a cited `.md` path exists as a tracked file, relative to the citing file's folder or to the
 *   repository root — in Markdown files and in comment lines of any file, and on every line for
 *   the names of the documents in docs/ (a bare document name is not a path to anything);
 * - a section cited after a file under docs/ exists there: `§2.4` as a numbered heading, a
 *   test-plan group (`§6 (A, B)`) as a `### A.` heading, a test id (`§6 B3`, `C1–C8`) as a
 *   table row, `§0 item 5` as a numbered list item of that section.
 * Text parsing only.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Tracked files of the repository (the lockfile holds no citations). */
const TRACKED = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((path) => path !== '' && path !== 'pnpm-lock.yaml');
const TRACKED_SET = new Set(TRACKED);

/** Names of the documents in docs/ and of the design files they replace. */
const DOC_NAMES = 'ARCHITECTURE|DOMAIN|SECURITY|SUBSCRIPTIONS|STYLE|CONVENTIONS|features';

/** A path ending in `.md`, not part of a longer path, URL or template (`<name>/README.md`). */
const MD_PATH = /(?<![\w./<>${}*@-])((?:[\w.-]+\/)*[\w.-]+\.md)(?![\w/-])/g;
const DOC_PATH = new RegExp(
  String.raw`(?<![\w./<>\${}*@-])((?:[\w.-]+\/)*(?:${DOC_NAMES})\.md)(?![\w/-])`,
  'g',
);

/** A line that is a comment in TypeScript, JavaScript, shell, YAML, Makefile or Dockerfile. */
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*|#)/;

const read = (path: string) => readFileSync(posix.join(ROOT, path), 'utf8');
const isText = (text: string) => !text.includes('\0');

/** The tracked file `cited` names from `file`, or undefined when there is none. */
function resolve(file: string, cited: string): string | undefined {
  const candidates = [
    posix.normalize(posix.join(posix.dirname(file), cited)),
    posix.normalize(cited),
  ];
  return candidates.find((candidate) => TRACKED_SET.has(candidate));
}

/** What a document under docs/ offers to citations. */
interface DocIndex {
  sections: Set<string>;
  /** Top-level section → its test-plan groups (`### A.`). */
  groups: Map<string, Set<string>>;
  testIds: Set<string>;
  /** Top-level section → numbers of its numbered list items. */
  items: Map<string, Set<string>>;
}

function indexDoc(text: string): DocIndex {
  const index: DocIndex = {
    sections: new Set(),
    groups: new Map(),
    testIds: new Set(),
    items: new Map(),
  };
  let top = '';
  let inFence = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    if (inFence) continue;
    const section = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (section) {
      index.sections.add(section[1]!);
      if (!section[1]!.includes('.')) top = section[1]!;
      continue;
    }
    const group = /^#{2,6}\s+([A-F])\.\s/.exec(line);
    if (group) {
      const groups = index.groups.get(top) ?? new Set<string>();
      index.groups.set(top, groups.add(group[1]!));
      continue;
    }
    const testId = /^\|\s*([A-F]\d+)\s*\|/.exec(line);
    if (testId) index.testIds.add(testId[1]!);
    const item = /^(\d+)\.\s/.exec(line);
    if (item) {
      const items = index.items.get(top) ?? new Set<string>();
      index.items.set(top, items.add(item[1]!));
    }
  }
  return index;
}

/** Numbers from `from` to `to` (inclusive) as strings; just `from` without `to`. */
const range = (from: string, to: string | undefined) =>
  to === undefined
    ? [from]
    : Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => String(Number(from) + i));

/**
 * The problems of the section references following a citation of `doc` in `tail` (the text
 * right after the cited path, comment leaders and line breaks flattened to spaces).
 */
function checkSections(doc: string, index: DocIndex, tail: string): string[] {
  const problems: string[] = [];
  const testPlans = [...index.groups.keys()];
  let current: string | undefined;
  let at = 0;
  const take = (pattern: RegExp) => {
    const sticky = new RegExp(pattern.source, 'y');
    sticky.lastIndex = at;
    const match = sticky.exec(tail);
    if (match) at = sticky.lastIndex;
    return match;
  };
  while (at < tail.length) {
    if (take(/[\s,`()/]+|(?:and|or)\b/)) continue;
    const section = take(/§\s?(\d+(?:\.\d+)?)(?:\s?[–-]\s?§?(\d+(?:\.\d+)?))?/);
    if (section) {
      const [, from, to] = section;
      const numbers =
        from!.includes('.') || to?.includes('.') ? [from!, ...(to ? [to] : [])] : range(from!, to);
      for (const number of numbers) {
        if (!index.sections.has(number)) problems.push(`${doc} has no section §${number}`);
      }
      current = from;
      continue;
    }
    const item = take(/(?:items?|findings?)\s+(\d+)(?:\s?[–-]\s?(\d+))?/);
    if (item) {
      for (const number of range(item[1]!, item[2])) {
        if (!index.items.get(current ?? '')?.has(number)) {
          problems.push(`${doc} §${current ?? '?'} has no item ${number}`);
        }
      }
      continue;
    }
    // Test-plan groups and ids: only for a document with a test plan, in its section or alone.
    if (testPlans.length === 0 || (current !== undefined && !testPlans.includes(current))) break;
    const test = take(/([A-F])(\d+)?(?:\s?[–-]\s?[A-F]?(\d+))?(?![\w'’])/);
    if (!test) break;
    const [, group, from, to] = test;
    if (from === undefined) {
      const plan = current ?? testPlans[0]!;
      if (!index.groups.get(plan)?.has(group!))
        problems.push(`${doc} §${plan} has no group ${group}`);
    } else {
      for (const number of range(from, to)) {
        if (!index.testIds.has(`${group}${number}`))
          problems.push(`${doc} has no test ${group}${number}`);
      }
    }
  }
  return problems;
}

describe('citations of documents', () => {
  const texts = new Map<string, string>();
  for (const file of TRACKED) {
    const text = read(file);
    if (isText(text)) texts.set(file, text);
  }
  const docIndexes = new Map<string, DocIndex>();
  const docIndex = (doc: string) => {
    let index = docIndexes.get(doc);
    if (!index) docIndexes.set(doc, (index = indexDoc(texts.get(doc) ?? '')));
    return index;
  };

  it('should cite only .md files that are in the repository', () => {
    const problems: string[] = [];
    for (const [file, text] of texts) {
      const markdown = file.endsWith('.md');
      text.split('\n').forEach((line, lineIndex) => {
        const paths = [...line.matchAll(DOC_PATH)].map((match) => match[1]!);
        if (markdown || COMMENT_LINE.test(line)) {
          paths.push(...[...line.matchAll(MD_PATH)].map((match) => match[1]!));
        }
        for (const cited of new Set(paths)) {
          if (!resolve(file, cited))
            problems.push(`${file}:${lineIndex + 1}: ${cited} is not in the repository`);
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('should cite only sections of docs/ that exist', () => {
    const problems: string[] = [];
    for (const [file, text] of texts) {
      // One line per comment block or paragraph: citations often continue on the next line.
      const flat = text.replace(/\n[ \t]*(?:\*(?!\/)|\/\/|#+)?[ \t]*/g, ' ');
      for (const match of flat.matchAll(MD_PATH)) {
        const doc = resolve(file, match[1]!);
        if (!doc?.startsWith('docs/')) continue;
        const tail = flat.slice(match.index + match[0].length, match.index + match[0].length + 200);
        for (const problem of checkSections(doc, docIndex(doc), tail)) {
          problems.push(`${file}: "${match[1]}${tail.slice(0, 40)}…": ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should find the sections the repository cites most in docs/', () => {
    const security = docIndex('docs/SECURITY.md');
    expect([...security.sections]).toEqual(
      expect.arrayContaining(['0', '1', '1.6', '2.4', '3.2', '4', '6']),
    );
    expect(security.groups.get('6')).toEqual(new Set(['A', 'B', 'C', 'D', 'E', 'F']));
    expect(security.testIds).toContain('B3');
    expect(docIndex('docs/DOMAIN.md').sections).toContain('7');
  });
});
