import { spawn } from 'node:child_process';

/** The URL the README's snippets talk to (`pnpm start`'s default gateway). */
export const README_GRAPHQL_ORIGIN = 'http://127.0.0.1:4000';

/** Marks a README code block as part of the walk-through: its info string is `sh walkthrough`. */
const WALKTHROUGH_INFO = /^(sh|bash)\s+walkthrough\s*$/;

/**
 * The code blocks of `markdown` whose fence info string is `sh walkthrough` (or `bash
 * walkthrough`), in document order, without their fences. Throws on a walk-through block that is
 * never closed, so a broken fence fails loudly instead of swallowing the rest of the file.
 */
export function extractWalkthrough(markdown: string): string[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: string[] = [];
  let fence: { marker: string; walkthrough: boolean; body: string[]; line: number } | undefined;
  lines.forEach((line, index) => {
    if (!fence) {
      const open = /^ {0,3}(`{3,}|~{3,})\s*(.*)$/.exec(line);
      if (open)
        fence = {
          marker: open[1]!,
          walkthrough: WALKTHROUGH_INFO.test(open[2]!.trim()),
          body: [],
          line: index + 1,
        };
      return;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (close && close[1]![0] === fence.marker[0] && close[1]!.length >= fence.marker.length) {
      if (fence.walkthrough) snippets.push(fence.body.join('\n'));
      fence = undefined;
      return;
    }
    fence.body.push(line);
  });
  if (fence?.walkthrough)
    throw new Error(`walk-through block opened on line ${fence.line} is never closed`);
  return snippets;
}

/** Printed before snippet `index` so the output can be split per step. */
export const stepMarker = (index: number) => `@@walkthrough-step ${index}@@`;

/**
 * One bash script running `snippets` in order in one process (`set -euo pipefail`, so shell
 * variables carry from one snippet to the next and the first failing command stops it), with
 * the README's URL rewritten to `origin` and a step marker printed before each snippet.
 */
export function walkthroughScript(snippets: string[], origin: string): string {
  const parts = snippets.map(
    (snippet, index) =>
      `echo '${stepMarker(index)}'\n${snippet.split(README_GRAPHQL_ORIGIN).join(origin)}`,
  );
  return ['set -euo pipefail', ...parts].join('\n') + '\n';
}

/** Splits the output of `walkthroughScript` into the output of each step (by its markers). */
export function splitSteps(stdout: string): string[] {
  const steps: string[] = [];
  const pattern = /^@@walkthrough-step (\d+)@@$/gm;
  const marks = [...stdout.matchAll(pattern)];
  marks.forEach((mark, i) => {
    const start = mark.index! + mark[0].length;
    const end = i + 1 < marks.length ? marks[i + 1]!.index! : stdout.length;
    steps[Number(mark[1])] = stdout.slice(start, end).trim();
  });
  return steps;
}

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `script` with bash in `cwd`, in its own process group, which is killed afterwards (a
 * snippet may leave a background `curl` behind when it fails), or after `timeoutMs`.
 */
export function runBash(script: string, cwd: string, timeoutMs: number): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      killGroup();
    }, timeoutMs);
    let exitCode: number | null = null;
    child.on('error', reject);
    // A background process of the script keeps the pipes open: end the group when bash exits,
    // then answer once the pipes are drained.
    child.on('exit', (code) => {
      exitCode = code;
      clearTimeout(timer);
      killGroup();
    });
    child.on('close', () => resolve({ code: exitCode, stdout, stderr }));
  });
}
