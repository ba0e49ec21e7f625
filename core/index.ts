export * from './errors.js';
export * from './endpoint.js';
export * from './session.js';
export * from './config.js';
