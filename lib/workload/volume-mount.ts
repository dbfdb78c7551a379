import { PodVolume } from './pod-volume';

/** A pod volume mounted into a container. */
export interface VolumeMount {
  /** The volume. */
  readonly volume: PodVolume;

  /** Absolute directory the volume appears at, unique among the container's mounts. */
  readonly path: string;

  /**
   * Mount it read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;

  /**
   * Mount only this path inside the volume.
   *
   * @default - the whole volume
   */
  readonly subPath?: string;
}
