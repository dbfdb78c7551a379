export { AddOnComponent } from './addon-component';
export type { AddOnResources, ApiServerAddress } from './addon-props';
export { IngressNginx } from './ingress-nginx';
export type { IngressNginxProps } from './ingress-nginx';
