import { pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import type { EventStore } from '../store/event-store';
import { metastreamOf } from '../store/event-store';
import type { EsdbUser } from './users';

export const USERS_STREAM = '$users';
export const userStream = (login: string): string => `$user-${login}`;

const FULL_NAMES: Record<string, string> = {
  admin: 'Event Store Administrator',
  ops: 'Event Store Operations',
};

const json = (type: string, value: unknown) => ({
  id: randomUUID(),
  type,
  isJson: true,
  data: Buffer.from(JSON.stringify(value)),
  metadata: new Uint8Array(0),
});

/** Only admins may change accounts; everyone signed in may read them, as on a real node. */
const USER_STREAM_ACL = { $acl: { $r: '$all', $w: '$admins', $d: '$admins', $mr: '$all', $mw: '$admins' } };

/**
 * What a secure real node writes when it first creates its users: one `$user-<login>` stream per account
 * with a `$user` record (salted password hash, groups), and a `$UserCreated` entry in `$users`. Written once
 * per login; authentication itself uses the configured users, these streams mirror them for readers.
 */
export const writeUserStreams = async (store: EventStore, users: readonly EsdbUser[]): Promise<void> => {
  for (const user of users) {
    const stream = userStream(user.login);
    if (store.stream(stream)) continue;
    const salt = randomBytes(16);
    const hash = pbkdf2Sync(user.password, salt, 1000, 20, 'sha1');
    await store.append(metastreamOf(stream), { kind: 'any' }, [json('$metadata', USER_STREAM_ACL)]);
    await store.append(stream, { kind: 'no_stream' }, [
      json('$user', {
        loginName: user.login,
        fullName: FULL_NAMES[user.login] ?? user.login,
        salt: salt.toString('base64'),
        hash: hash.toString('base64'),
        disabled: false,
        groups: user.groups,
      }),
    ]);
    await store.append(USERS_STREAM, { kind: 'any' }, [json('$UserCreated', user.login)]);
  }
};
