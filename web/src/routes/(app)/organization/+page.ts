import { parseApiError } from '$lib/api/errors';
import { getCurrentOrganization } from '$lib/api/generated/organizations';
import { failLoad } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ depends, url }) => {
	depends('app:organization');
	try {
		return { organization: await getCurrentOrganization(), missing: null };
	} catch (e) {
		const err = parseApiError(e);
		// A user without any organization is a normal state, not a broken page.
		if (err.code === 'NO_ORGANIZATION') return { organization: null, missing: err.message };
		failLoad(e, url);
	}
};
