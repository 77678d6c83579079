/**
 * Summarizes a V8 `.cpuprofile` (written by `node --cpu-prof`) without any tool: self time per
 * function, per package/file, optionally restricted to a window of the monotonic clock (the
 * profile's timestamps are CLOCK_MONOTONIC microseconds, the clock of `process.hrtime`).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** Microseconds. */
  selfUs: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, idle included (µs). */
  totalUs: number;
  idleUs: number;
  /** Whether the window matched the profile's clock (otherwise the whole profile is used). */
  windowApplied: boolean;
  functions: SelfTime[];
  packages: SelfTime[];
  files: SelfTime[];
}

const ROOT = new URL('../../', import.meta.url).href;
const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** `@apollo/gateway`, `graphql`, `gateway/src/…`, `node:internal` … for a script URL. */
export function packageOf(url: string, functionName: string): string {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  if (url.startsWith('node:')) return url.startsWith('node:internal') ? 'node:internal' : url;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith(ROOT)) {
    // A workspace package: its folder (gateway, infra/http, subgraphs/user, …).
    const path = url.slice(ROOT.length).split('/');
    const depth = path[0] === 'infra' || path[0] === 'subgraphs' ? 2 : 1;
    return `${path.slice(0, depth).join('/')} (workspace)`;
  }
  return url;
}

/** The file of a script URL: repo-relative, or `package/path` inside node_modules. */
export function fileOf(url: string, functionName: string): string {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  if (url.startsWith(ROOT)) return url.slice(ROOT.length);
  return url;
}

const top = (map: Map<string, number>, n: number): SelfTime[] =>
  [...map.entries()]
    .map(([name, selfUs]) => ({ name, selfUs }))
    .sort((a, b) => b.selfUs - a.selfUs)
    .slice(0, n);

/**
 * Reads a profile and sums self time. Sample i lasts until sample i+1 (`timeDeltas[i+1]`).
 * `window` is [from, to] in monotonic microseconds; samples outside are skipped.
 */
export function summarizeProfile(
  path: string,
  window?: { fromUs: number; toUs: number },
  limit = 20,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const windowApplied =
    !!window && window.fromUs >= profile.startTime && window.toUs <= profile.endTime + 1e6;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const byFile = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i] ?? 0;
    const duration = Math.max(0, profile.timeDeltas[i + 1] ?? 0);
    if (windowApplied && window && (at < window.fromUs || at > window.toUs)) continue;
    const frame = nodes.get(profile.samples[i]!);
    if (!frame) continue;
    totalUs += duration;
    if (frame.functionName === '(idle)') {
      idleUs += duration;
      continue;
    }
    const file = fileOf(frame.url, frame.functionName);
    const fn = frame.url
      ? `${frame.functionName || '(anonymous)'} — ${file}:${frame.lineNumber + 1}`
      : frame.functionName || '(anonymous)';
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + duration);
    const pkg = packageOf(frame.url, frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + duration);
    byFile.set(file, (byFile.get(file) ?? 0) + duration);
  }
  return {
    totalUs,
    idleUs,
    windowApplied,
    functions: top(byFunction, limit),
    packages: top(byPackage, limit),
    files: top(byFile, limit),
  };
}

/** The summary as markdown: busy share of each row (idle excluded). */
export function profileMarkdown(summary: ProfileSummary, title: string): string {
  const busy = summary.totalUs - summary.idleUs;
  const pct = (us: number) => `${((100 * us) / Math.max(1, busy)).toFixed(1)} %`;
  const ms = (us: number) => (us / 1000).toFixed(0);
  const table = (heading: string, rows: SelfTime[]) =>
    [
      `| ${heading} | self ms | share of busy |`,
      '|---|---:|---:|',
      ...rows.map(
        (row) =>
          `| \`${row.name.replaceAll('|', '\\|')}\` | ${ms(row.selfUs)} | ${pct(row.selfUs)} |`,
      ),
    ].join('\n');
  return [
    `# ${title}`,
    '',
    `Sampled ${ms(summary.totalUs)} ms, of which idle ${ms(summary.idleUs)} ms (${((100 * summary.idleUs) / Math.max(1, summary.totalUs)).toFixed(1)} %); shares below are of the busy ${ms(busy)} ms.` +
      (summary.windowApplied
        ? ' Only samples taken during the measured load are counted.'
        : ' The load window did not match the profile clock: the whole profile is counted.'),
    '',
    '## Top functions by self time',
    '',
    table('function — file:line', summary.functions),
    '',
    '## By package',
    '',
    table('package', summary.packages),
    '',
    '## By file',
    '',
    table('file', summary.files),
    '',
  ].join('\n');
}
