import { ObjectId } from 'bson';
import type { Doc } from '../bson/values';
import { MAX_BSON_SIZE, SERVER_VERSION } from '../engine/context';
import { MAX_MESSAGE_SIZE } from '../wire/codec';
import type { Env, Handler } from './env';

/** The handshake of the primary of a one-member replica set: what makes the driver use sessions and transactions. */
const hello: Handler = (cmd: Doc, env: Env) => {
  const me = env.conn.localAddress;
  const legacy = cmd.hello === undefined;
  const app = ((cmd.client as Doc | undefined)?.application as Doc | undefined)?.name;
  if (typeof app === 'string') env.conn.appName = app;
  return {
    ...(legacy ? { ismaster: true } : {}),
    isWritablePrimary: true,
    helloOk: true,
    setName: env.engine.options.replSetName,
    setVersion: 1,
    hosts: [me],
    primary: me,
    me,
    secondary: false,
    electionId: new ObjectId(env.engine.electionId),
    maxBsonObjectSize: MAX_BSON_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: env.conn.id,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
};

export const handshakeCommands: Record<string, Handler> = {
  hello,
  ismaster: hello,
  isMaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo: () => ({
    version: SERVER_VERSION,
    versionArray: [7, 0, 0, 0],
    gitVersion: 'embedded',
    bits: 64,
    maxBsonObjectSize: MAX_BSON_SIZE,
    storageEngines: ['embedded'],
    ok: 1,
  }),
  buildinfo: (c, e) => handshakeCommands.buildInfo!(c, e),
  getParameter: () => ({ featureCompatibilityVersion: { version: '7.0' }, ok: 1 }),
  hostInfo: () => ({ system: { currentTime: new Date(), hostname: 'localhost' }, ok: 1 }),
  whatsmyuri: (_c, env) => ({ you: env.conn.localAddress, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  replSetGetStatus: (_c, env) => ({
    set: env.engine.options.replSetName,
    myState: 1,
    members: [{ _id: 0, name: env.conn.localAddress, health: 1, state: 1, stateStr: 'PRIMARY', self: true }],
    ok: 1,
  }),
};
