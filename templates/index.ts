/**
 * `cdk8s-hardened/templates`: compositions of the hardened constructs for the common shapes of
 * an application, each with its props. Named exports only (the helpers the templates share are
 * not part of the API).
 */
export { WebService } from './web-service';
export type { WebServiceProps } from './web-service';
export { Worker } from './worker';
export type { WorkerProps } from './worker';
export { ScheduledJob } from './scheduled-job';
export type { ScheduledJobProps } from './scheduled-job';
export { StatefulStore } from './stateful-store';
export type { StatefulStoreProps } from './stateful-store';
export { Tenant } from './tenant';
export type { TenantProps } from './tenant';
export { TenantApplication } from './tenant-application';
export type { TenantApplicationProps } from './tenant-application';
export type { Dependency, ExternalDependency } from './dependency';
export type { TemplateContainerOptions } from './shared/template-container';
