export { LocalServer, type LocalServerOptions, type SettingValue } from './local-server.js';
export { embeddedBindir, embeddedVersions, EMBEDDED_PACKAGES } from './embedded-binaries.js';
export { freePort } from './free-port.js';
export { serverUser } from './server-user.js';
