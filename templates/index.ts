export * from './dependency';
export * from './web-service';
export * from './worker';
export * from './scheduled-job';
export * from './stateful-store';
export * from './tenant';
export * from './tenant-application';
