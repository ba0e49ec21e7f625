// The parser lives in core (a command step reads psql's errors too); compat keeps its import path.
export { parsePsqlMessages, type PsqlMessage } from '../../core/psql-messages.js';
