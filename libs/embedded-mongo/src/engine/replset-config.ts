import { Long, ObjectId } from 'bson';
import type { Doc } from '../bson/values';

/** The one-member replica set's configuration, as `replSetGetConfig` and `local.system.replset` hold it. */
export const replSetConfig = (setName: string, host: string, replicaSetId: string): Doc => ({
  _id: setName,
  version: 1,
  term: 1,
  members: [
    {
      _id: 0,
      host,
      arbiterOnly: false,
      buildIndexes: true,
      hidden: false,
      priority: 1,
      tags: {},
      secondaryDelaySecs: Long.fromNumber(0),
      votes: 1,
    },
  ],
  protocolVersion: Long.fromNumber(1),
  writeConcernMajorityJournalDefault: true,
  settings: {
    chainingAllowed: true,
    heartbeatIntervalMillis: 2000,
    heartbeatTimeoutSecs: 10,
    electionTimeoutMillis: 10000,
    catchUpTimeoutMillis: -1,
    catchUpTakeoverDelayMillis: 30000,
    getLastErrorModes: {},
    getLastErrorDefaults: { w: 1, wtimeout: 0 },
    replicaSetId: new ObjectId(replicaSetId),
  },
});
