/**
 * What the real server never hands to `$all` consumers that filter (server-side filtered reads and
 * subscriptions) and to persistent `$all` groups: its epoch records and the checkpoints and parked
 * messages of `$all` groups themselves. Every other system stream, `$>` links and metadata included, is
 * delivered.
 */
export const allowedOnAll = (streamName: string): boolean => {
  if (streamName.charCodeAt(0) !== 36 /* $ */) return true;
  if (streamName === '$epoch-information') return false;
  if (streamName.startsWith('$persistentsubscription-$all::')) {
    return !streamName.endsWith('-checkpoint') && !streamName.endsWith('-parked');
  }
  return true;
};
