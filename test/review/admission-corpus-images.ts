/** Admission differential corpus (admission-corpus.ts): images from registries inside and outside the allowlist. */
import type { PodMutation } from './pod-mutations';

/** The allowlist the differential reviews and generates policies with. */
export const CORPUS_ALLOWED_REGISTRIES: readonly string[] = ['ghcr.io/example', 'registry.k8s.io', 'localhost:5000/team'];

const DIGEST = `@sha256:${'cd'.repeat(32)}`;

/** Changes a container's image to one of a registry covered by the allowlist or not, written in the ways references are. */
export const MUTATIONS: readonly PodMutation[] = [
  (_p, c, pick) => {
    c.image =
      pick([
        'ghcr.io/example/app:2.0.0',
        'ghcr.io/example/team/app',
        'ghcr.io/examples/app:1.0',
        'ghcr.io/other/app:1.0',
        'registry.k8s.io/pause:3.10',
        'registry.k8s.io.evil.example/pause:3.10',
        'nginx:1.27',
        'library/nginx:1.27',
        'docker.io/library/nginx',
        'example/app:1.0',
        'localhost:5000/team/app:1',
        'localhost:5000/teams/app:1',
        'localhost/team/app',
      ]) + pick([DIGEST, '']);
  },
  // An image mounted as a volume: judged like a container's image.
  (pod, c, pick) => {
    pod.spec.volumes.push({
      name: 'models',
      image: {
        reference:
          pick(['ghcr.io/example/models:1.0', 'evil.example/payload:latest', 'ghcr.io/example/models', 'nginx']) + pick([DIGEST, '']),
        pullPolicy: 'IfNotPresent',
      },
    });
    c.volumeMounts = [...c.volumeMounts, { name: 'models', mountPath: '/models', readOnly: true }];
  },
];
