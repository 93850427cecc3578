// The contract between engine, CLI and renderer: zod schemas and the types inferred from them.
export * from './modelInspection';
export * from './modelVersion';
export * from './providers';
export * from './runResult';
export * from './servingSettings';
export * from './controlApi';
export * from './loadTest';
export * from './datasets';
export * from './comparison';
export * from './drift';
export * from './rollout';
export * from './bundle';
export * from './desktopBridge';
export * from './cliOutput';
