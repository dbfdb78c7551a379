import { IConstruct } from 'constructs';
import { appendTo } from './append-to';

/**
 * Sections constructs add to REVIEW.md (an add-on saying what it changed from upstream and
 * what it accepted), kept per construct tree: the app that reviews the tree writes them after
 * its own, in the order added.
 */
const sectionsByRoot = new WeakMap<IConstruct, Array<string | (() => string)>>();

/**
 * Adds a Markdown section (starting with `## `) to the REVIEW.md of the app `scope` is in: the
 * text, or a function that writes it when the app is synthesized (a section about what is written,
 * which patches may change after the construct is built).
 */
export function addReviewSection(scope: IConstruct, markdown: string | (() => string)): void {
  if (typeof markdown === 'string') checkedSection(markdown);
  appendTo(sectionsByRoot, scope.node.root, markdown);
}

/** The sections added to the tree of `scope`, in the order added, written now. */
export function reviewSectionsOf(scope: IConstruct): readonly string[] {
  return (sectionsByRoot.get(scope.node.root) ?? []).map((section) => checkedSection(typeof section === 'string' ? section : section()));
}

function checkedSection(markdown: string): string {
  if (!markdown.startsWith('## ')) throw new Error(`a REVIEW.md section starts with '## ' (got ${JSON.stringify(markdown.slice(0, 20))})`);
  return markdown;
}
