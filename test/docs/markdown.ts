/**
 * Reading the hand-written documentation for its tests: which files, their fenced code blocks
 * and their links, and the anchors GitHub gives their headings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** README.md and docs/*.md (docs/api/ is typedoc's, which checks its own links), relative to the root. */
export function documentationFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** A fenced code block: its info string (```ts fragment → ['ts', 'fragment']), first line of code and text. */
export interface CodeBlock {
  readonly file: string;
  readonly line: number;
  readonly info: readonly string[];
  readonly code: string;
}

/** A fence line; a backtick fence's info string has no backtick (CommonMark), so ```` ```ts ```` in prose is code, not a fence. */
const FENCE = /^( {0,3})(`{3,}(?=[^`]*$)|~{3,})(.*)$/;

/** The fenced code blocks of a Markdown text, in order. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, , fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]);
      if (close && close[2].startsWith(fence[0]) && close[2].length >= fence.length && close[3].trim() === '') break;
      body.push(lines[j]);
    }
    blocks.push({ file, line: i + 2, info: info.trim().split(/\s+/).filter(Boolean), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** The text outside fenced code blocks and inline code spans, lines kept (so line numbers hold). */
export function prose(text: string): string {
  return outsideFences(text)
    .split('\n')
    .map((line) => line.replace(/(`+)[^`]*?\1/g, ''))
    .join('\n');
}

/** The text with fenced code blocks blanked, lines kept. */
function outsideFences(text: string): string {
  const lines = text.split('\n');
  let fence: string | undefined;
  return lines
    .map((line) => {
      const marker = FENCE.exec(line);
      if (fence === undefined && marker) {
        fence = marker[2];
        return '';
      }
      if (fence !== undefined) {
        if (marker && marker[2].startsWith(fence[0]) && marker[2].length >= fence.length && marker[3].trim() === '') fence = undefined;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** One Markdown link `[text](target)` with the line it is on. */
export interface Link {
  readonly line: number;
  readonly target: string;
}

export function links(text: string): Link[] {
  return prose(text)
    .split('\n')
    .flatMap((line, i) => [...line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => ({ line: i + 1, target: m[1] })));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of a Markdown text: its headings' (repeats numbered as GitHub does) and explicit `<a id>`/`<a name>`. */
export function anchors(text: string): Set<string> {
  const result = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideFences(text).split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      result.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) result.add(m[1]);
  }
  return result;
}
