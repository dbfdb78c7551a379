import { IConstruct } from 'constructs';
import { appendTo } from './append-to';

/**
 * Sections constructs add to REVIEW.md (an add-on saying what it changed from upstream and
 * what it accepted), kept per construct tree: the app that reviews the tree writes them after
 * its own, in the order added.
 */
const sectionsByRoot = new WeakMap<IConstruct, string[]>();

/** Adds a Markdown section (starting with `## `) to the REVIEW.md of the app `scope` is in. */
export function addReviewSection(scope: IConstruct, markdown: string): void {
  if (!markdown.startsWith('## ')) throw new Error(`a REVIEW.md section starts with '## ' (got ${JSON.stringify(markdown.slice(0, 20))})`);
  appendTo(sectionsByRoot, scope.node.root, markdown);
}

/** The sections added to the tree of `scope`, in the order added. */
export function reviewSectionsOf(scope: IConstruct): readonly string[] {
  return sectionsByRoot.get(scope.node.root) ?? [];
}
