export * from './errors.js';
export * from './endpoint.js';
export * from './session.js';
export * from './config.js';
export * from './resolve-endpoint.js';
export { connectClient, type ClientSettings } from './connect-client.js';
export { parseConnectionString } from './conninfo-parse.js';
