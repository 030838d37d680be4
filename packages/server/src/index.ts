export { createApp, webDist } from './app.js';
export { Checkpointer, defaultCheckpointerOptions, type CheckpointerOptions } from './checkpointer.js';
export { configFromEnv, configSchema, type NodeConfig } from './config.js';
export { createAppContext, createLogger, type AppContext, type ContextOptions } from './context.js';
export { createLocalApp, localSchemas, operatorCommands } from './local.js';
export { startNode, type RunningNodeHandle } from './node.js';
export { rotateNodeKey } from './key-rotation.js';
export { openApiDocument } from './openapi.js';
export { VERSION } from './version.js';
