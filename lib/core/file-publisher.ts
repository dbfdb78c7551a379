import { IConstruct } from 'constructs';

/**
 * What an app offers the constructs that publish files beside the manifests (ControlPlaneHardening):
 * `HardenedApp` is one. The interface lives here, below the constructs and the app, so a construct
 * asks its root for it instead of importing the app (which imports the constructs' folders).
 */
export interface FilePublisher {
  /** Adds a file the review judges, at a path relative to the output folder. */
  addFile(relativePath: string, content: string): void;
  /** Adds a `README.md` the library writes itself to `folder`, published unreviewed. */
  _addReadme(folder: string, content: string): void;
}

/** The construct tree's root as a `FilePublisher`, or `undefined` when the root publishes no files. */
export function filePublisherOf(scope: IConstruct): FilePublisher | undefined {
  const root = scope.node.root as IConstruct & Partial<Record<keyof FilePublisher, unknown>>;
  return typeof root.addFile === 'function' && typeof root._addReadme === 'function' ? (root as IConstruct & FilePublisher) : undefined;
}
