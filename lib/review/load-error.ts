/**
 * A path that cannot be read, a file that is not valid YAML, or one that holds something
 * that is not a Kubernetes object. The message starts with `file:line: ` (`file: ` when the
 * problem is the file as a whole, `line` 0).
 */
export class ManifestLoadError extends Error {
  constructor(
    public readonly file: string,
    public readonly line: number,
    public readonly detail: string,
  ) {
    super(`${line > 0 ? `${file}:${line}` : file}: ${detail}`);
    this.name = 'ManifestLoadError';
  }
}
