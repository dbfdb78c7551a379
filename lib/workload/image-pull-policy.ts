/**
 * When the kubelet pulls a container's image.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
 */
export enum ImagePullPolicy {
  /** On every start: the registry is asked again, and pull credentials are checked again. */
  ALWAYS = 'Always',
  /** Only when the node does not have the image yet. */
  IF_NOT_PRESENT = 'IfNotPresent',
  /** Never: the image must already be on the node. */
  NEVER = 'Never',
}
