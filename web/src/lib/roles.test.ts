import { describe, expect, it } from 'vitest';
import { canManageOrganization, roleLabel } from './roles';

describe('roles', () => {
	it('labels known roles and tolerates missing ones', () => {
		expect(roleLabel('org_admin')).toBe('Organization admin');
		expect(roleLabel('member')).toBe('Member');
		expect(roleLabel('sys_admin')).toBe('System admin');
		expect(roleLabel(null)).toBe('No role');
		expect(roleLabel('toString')).toBe('No role');
	});

	it('lets only admins manage the organization', () => {
		expect(canManageOrganization('org_admin')).toBe(true);
		expect(canManageOrganization('sys_admin')).toBe(true);
		expect(canManageOrganization('member')).toBe(false);
		expect(canManageOrganization(null)).toBe(false);
	});
});
