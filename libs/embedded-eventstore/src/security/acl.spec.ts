import { allowed, targetOf } from './acl';
import { UserRegistry } from './users';

const basic = (login: string, password: string): string =>
  `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

describe('stream ACLs', () => {
  const admin = { login: 'admin', groups: ['$admins'] };
  const ops = { login: 'ops', groups: ['$ops'] };
  const alice = { login: 'alice', groups: ['sales'] };

  it('defaults: anonymous nothing, users user streams, admins everything', () => {
    expect(allowed(undefined, 'order-1', '$r', undefined)).toBe(false);
    expect(allowed(alice, 'order-1', '$w', undefined)).toBe(true);
    expect(allowed(alice, '$all', '$r', undefined)).toBe(false);
    expect(allowed(ops, '$settings', '$r', undefined)).toBe(false);
    expect(allowed(admin, '$settings', '$w', { $w: 'nobody' })).toBe(true);
  });

  it('grants by login, group or $all; a string or an array; missing keys keep the default', () => {
    const acl = { $r: ['alice'], $w: 'sales', $d: '$all', $mr: 42 };
    expect(allowed(alice, 'order-1', '$r', acl)).toBe(true);
    expect(allowed(ops, 'order-1', '$r', acl)).toBe(false);
    expect(allowed(alice, 'order-1', '$w', acl)).toBe(true);
    expect(allowed(ops, 'order-1', '$w', acl)).toBe(false);
    expect(allowed(ops, '$secret', '$d', acl)).toBe(true);
    expect(allowed(ops, 'order-1', '$mr', acl)).toBe(true); // not a role list: default
    expect(allowed(ops, '$secret', '$mw', acl)).toBe(false);
  });

  it('falls back to $settings defaults per operation before the built-in ones', () => {
    const defaults = { $userStreamAcl: { $r: 'sales' }, $systemStreamAcl: { $r: ['$ops'] } };
    expect(allowed(ops, 'order-1', '$r', undefined, defaults)).toBe(false);
    expect(allowed(alice, 'order-1', '$r', undefined, defaults)).toBe(true);
    expect(allowed(ops, 'order-1', '$w', undefined, defaults)).toBe(true); // $w not set: built-in default
    expect(allowed(ops, '$settings', '$r', undefined, defaults)).toBe(true);
    expect(allowed(ops, 'order-1', '$r', { $r: 'ops' }, defaults)).toBe(true);
  });

  it('governs a metastream by the metadata rights of its stream', () => {
    expect(targetOf('$$order-1', '$r')).toEqual({ stream: 'order-1', operation: '$mr' });
    expect(targetOf('$$order-1', '$w')).toEqual({ stream: 'order-1', operation: '$mw' });
    expect(targetOf('order-1', '$w')).toEqual({ stream: 'order-1', operation: '$w' });
  });
});

describe('users', () => {
  const users = new UserRegistry([{ login: 'admin', password: 's3cret', groups: ['$admins'] }]);

  it('authenticates Basic credentials against the default and configured users', () => {
    expect(users.authenticate(undefined)).toBeUndefined();
    expect(users.authenticate(basic('ops', 'changeit'))).toEqual({ login: 'ops', groups: ['$ops'] });
    expect(users.authenticate(basic('admin', 's3cret'))?.login).toBe('admin');
    expect(users.authenticate(basic('admin', 'changeit'))).toBeNull();
    expect(users.authenticate(basic('nobody', 'changeit'))).toBeNull();
    expect(users.authenticate('Bearer abc')).toBeNull();
    expect(users.authenticate('Basic !!!')).toBeNull();
  });

  it('refuses a login that could not be sent in Basic credentials', () => {
    expect(() => new UserRegistry([{ login: 'a:b', password: 'x', groups: [] }])).toThrow(
      /invalid user login/,
    );
  });
});
