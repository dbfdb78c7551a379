/**
 * Origins as reports show them: the review gets a construct path (`platform/shop/web/Resource`)
 * or `file:line` (`dist/shop.k8s.yaml:12`, `<stdin>:3`) per object.
 */

/** Where in a file an object starts. */
export interface FileLocation {
  readonly file: string;
  /** 1-based line of the object's first line. */
  readonly line: number;
}

/** The file and line of a `file:line` origin, or `undefined` for a construct path or an empty origin. */
export function fileLocationOf(origin: string): FileLocation | undefined {
  const match = /^(.+):([1-9][0-9]*)$/.exec(origin);
  return match ? { file: match[1], line: Number(match[2]) } : undefined;
}

/** Whether the object came from a construct of the app (a construct path), not from a file. */
export function isConstructOrigin(origin: string): boolean {
  return origin !== '' && fileLocationOf(origin) === undefined;
}
