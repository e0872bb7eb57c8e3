import type { EventStore } from '../store/event-store';
import type { DefaultAcls } from './acl';

export const SETTINGS_STREAM = '$settings';

const cache = new WeakMap<object, DefaultAcls>();

/** The default ACLs of the last `$settings` event (an operator's `update-default-acl`), or none. */
export const defaultAclsOf = (store: EventStore): DefaultAcls => {
  const state = store.stream(SETTINGS_STREAM);
  const last = state?.events[state.events.length - 1];
  if (!last) return {};
  const cached = cache.get(last);
  if (cached) return cached;
  let defaults: DefaultAcls = {};
  try {
    const parsed = JSON.parse(Buffer.from(last.data).toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const { $userStreamAcl, $systemStreamAcl } = parsed as DefaultAcls;
      defaults = { $userStreamAcl, $systemStreamAcl };
    }
  } catch {
    // Unparseable settings are ignored: the built-in defaults apply, as on a real node.
  }
  cache.set(last, defaults);
  return defaults;
};
