import * as YAML from 'yaml';

/** A comment attached to the value at a path of a document (`['plugins', 0, 'configuration']`). */
export interface YamlComment {
  readonly path: readonly (string | number)[];
  readonly comment: string;
}

/**
 * The YAML text of one or more configuration objects, deterministic (insertion order, no
 * line folding), with an optional header comment and comments on chosen values.
 */
export function configurationYaml(
  documents: readonly { readonly object: object; readonly header?: string; readonly comments?: readonly YamlComment[] }[],
): string {
  return documents
    .map(({ object, header, comments }) => {
      const doc = new YAML.Document(object);
      if (header)
        doc.commentBefore = header
          .split('\n')
          .map((line) => ` ${line}`)
          .join('\n');
      for (const { path, comment } of comments ?? []) {
        const node = doc.getIn(path, true);
        if (YAML.isNode(node)) node.comment = ` ${comment}`;
      }
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}
