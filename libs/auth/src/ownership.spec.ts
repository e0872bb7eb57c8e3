import { ForbiddenException } from '@nestjs/common';
import { assertOwnerOrRole } from './ownership';

describe('assertOwnerOrRole', () => {
  it('lets the customer see their own data and staff or auditors see anyone’s', () => {
    expect(() => assertOwnerOrRole({ sub: 'c1', roles: ['customer'] }, 'c1')).not.toThrow();
    for (const role of ['clerk', 'admin', 'auditor'] as const) {
      expect(() => assertOwnerOrRole({ sub: 's', roles: [role] }, 'c1')).not.toThrow();
    }
  });

  it("refuses another customer's data with 403, and roles not in the list", () => {
    expect(() => assertOwnerOrRole({ sub: 'c2', roles: ['customer'] }, 'c1')).toThrow(ForbiddenException);
    expect(() => assertOwnerOrRole({ sub: 's', roles: ['auditor'] }, 'c1', ['admin'])).toThrow(
      ForbiddenException,
    );
  });
});
