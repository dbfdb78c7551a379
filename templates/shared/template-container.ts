import { EnvValue, HardenedContainerProps, SecretMount, WorkloadSize } from '../../lib';

/**
 * The container options every template shares: one list, so a prop added here reaches every
 * template (a prop written into three templates and forgotten in the fourth is how they drifted).
 */
export interface TemplateContainerOptions {
  /** The image, pinned by digest. */
  readonly image: string;
  /** Arguments to the image's entrypoint. @default - the image's */
  readonly args?: string[];
  /**
   * Environment variables. Never secret values: use `secretMounts`.
   *
   * @default - none
   */
  readonly envVariables?: { [name: string]: EnvValue };
  /** @default WorkloadSize.SMALL */
  readonly size?: WorkloadSize;
  /** @default ['/tmp'] */
  readonly writablePaths?: string[];
  /** @default - none */
  readonly secretMounts?: SecretMount[];
}

/** What a template decides for its container: its defaults, its port and its probes. */
export interface TemplateContainerDefaults extends Pick<HardenedContainerProps, 'portNumber' | 'readiness' | 'liveness'> {
  /** Used when the options give no `writablePaths`. */
  readonly writablePaths: string[];
  /** Used when the options give no `size`. */
  readonly size?: WorkloadSize;
}

/** The template's one container, as the hardened workloads take it. */
export function templateContainer(options: TemplateContainerOptions, defaults: TemplateContainerDefaults): HardenedContainerProps {
  return {
    image: options.image,
    args: options.args,
    envVariables: options.envVariables,
    portNumber: defaults.portNumber,
    size: options.size ?? defaults.size,
    writablePaths: options.writablePaths ?? defaults.writablePaths,
    secretMounts: options.secretMounts,
    readiness: defaults.readiness,
    liveness: defaults.liveness,
  };
}
