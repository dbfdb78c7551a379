import { ALLOWED_REGISTRIES_ANNOTATION, imageRepository, isUnder, registryList } from '../../../policy/image-registry';
import { celList, celString } from '../../admission/cel';
import { KubeObject, ReviewContext, Rule } from '../../model';
import { celImageVolumeReferences, eachContainer, eachImageVolume, finding, POD_TEMPLATE_KINDS, quote } from '../../walkers';

/** The allowlists an object's images must each satisfy: the app's, then its namespace's annotation. */
function allowlistsOf(obj: KubeObject, context: ReviewContext): { readonly source: string; readonly entries: readonly string[] }[] {
  const lists: { source: string; entries: readonly string[] }[] = [];
  if (context.allowedRegistries) lists.push({ source: 'the allowed registries', entries: context.allowedRegistries });
  const namespace = obj.metadata?.namespace;
  const declared = typeof namespace === 'string' ? context.find('v1', 'Namespace', undefined, namespace) : undefined;
  const annotation = declared?.metadata?.annotations?.[ALLOWED_REGISTRIES_ANNOTATION];
  if (typeof annotation === 'string') {
    lists.push({ source: `namespace ${quote(namespace)}'s ${ALLOWED_REGISTRIES_ANNOTATION}`, entries: registryList(annotation) });
  }
  return lists;
}

/**
 * The image's repository, as `imageRepository` computes it (lib/policy/image-registry.ts), in
 * CEL: the reference without digest and tag, and `docker.io/` (`docker.io/library/` for a
 * one-part name) before a name whose first part is not a registry host. Written out rather
 * than with cel.bind, whose names the comprehensions inside it cannot see in this CEL version.
 */
function celRepository(image: string): string {
  const name = `(${image}.split("@")[0].lastIndexOf(":") > ${image}.split("@")[0].lastIndexOf("/") ? ${image}.split("@")[0].substring(0, ${image}.split("@")[0].lastIndexOf(":")) : ${image}.split("@")[0])`;
  const first = `${name}.split("/")[0]`;
  return (
    `(!${name}.contains("/") ? "docker.io/library/" + ${name} : ` +
    `${first}.contains(".") || ${first}.contains(":") || ${first} == "localhost" ? ${name} : "docker.io/" + ${name})`
  );
}

/** CEL: the repository `repo` is one of `entries` (a CEL list of strings) or under one. */
function celUnderOneOf(entries: string): string {
  return `${entries}.exists(e, repo == e || repo.startsWith(e + "/"))`;
}

/**
 * Images come only from the registries the platform allows: the app's list
 * (`allowedRegistries`) and, narrowing it, the namespace's `hardened.cdk8s.io/allowed-registries`
 * annotation. An entry covers a registry or a repository prefix at a `/` boundary. The finding's
 * value is the image as written. Without any list the rule finds nothing. Both lists must
 * cover an image, so an annotation in reviewed input can only refuse more, never allow more.
 */
export const imageRegistryAllowed: Rule = {
  id: 'image-registry-allowed',
  title: 'Images come from an allowed registry',
  severity: 'error',
  kinds: POD_TEMPLATE_KINDS,
  references: { nsa: 'Pod security: immutable container file systems and building secure container images' },
  remediation:
    "Push the image to an allowed registry (the app's allowedRegistries, narrowed by the namespace's hardened.cdk8s.io/allowed-registries annotation) and refer to it there.",
  check: (obj, context) => {
    const lists = allowlistsOf(obj, context);
    if (!lists.length) return [];
    return [
      ...eachContainer(obj, context).map((c) => ({ path: `${c.path}.image`, label: c.label, image: c.container.image })),
      ...eachImageVolume(obj, context).map((v) => ({ path: v.path, label: v.label, image: v.reference as unknown })),
    ].flatMap(({ path, label, image }) => {
      if (typeof image !== 'string') return [];
      const repository = imageRepository(image);
      const refusing = lists.find((list) => !list.entries.some((entry) => isUnder(repository, entry)));
      if (!refusing) return [];
      return [
        finding(
          path,
          `${label} uses image ${quote(image)} from ${quote(repository)}, which ${refusing.source} (${refusing.entries.join(', ') || 'none'}) do not cover`,
          image,
        ),
      ];
    });
  },
  admission: (s) => {
    const annotation = `namespaceObject.?metadata.?annotations[?${celString(ALLOWED_REGISTRIES_ANNOTATION)}]`;
    const namespaceList = `${annotation}.value().split(",").map(e, e.trim()).filter(e, e != "")`;
    const conditions = [
      ...(s.allowedRegistries ? [celUnderOneOf(celList(s.allowedRegistries))] : []),
      `(!${annotation}.hasValue() || ${celUnderOneOf(namespaceList)})`,
    ];
    return [
      {
        expression: `${s.containers}.all(c, [${celRepository('c.image')}].all(repo, ${conditions.join(' && ')}) || ${s.accepts('c.image')})`,
        message: 'An image comes from a registry that is not allowed.',
      },
      {
        expression: `${celImageVolumeReferences(s.pod)}.all(r, [${celRepository('r')}].all(repo, ${conditions.join(' && ')}) || ${s.accepts('r')})`,
        message: 'An image volume comes from a registry that is not allowed.',
      },
    ];
  },
};
