/** Labels and checks for the roles the API reports (DESIGN §3). */
export type Role = 'member' | 'org_admin' | 'sys_admin';

const LABELS: Record<Role, string> = {
	member: 'Member',
	org_admin: 'Organization admin',
	sys_admin: 'System admin'
};

export function roleLabel(role: string | null | undefined): string {
	return role && Object.hasOwn(LABELS, role) ? LABELS[role as Role] : 'No role';
}

/** Whether the role may change organization details (rename). */
export function canManageOrganization(role: string | null | undefined): boolean {
	return role === 'org_admin' || role === 'sys_admin';
}
