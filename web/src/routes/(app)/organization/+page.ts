import { error } from '@sveltejs/kit';
import { parseApiError } from '$lib/api/errors';
import { getCurrentOrganization } from '$lib/api/generated/organizations';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ depends }) => {
	depends('app:organization');
	try {
		return { organization: await getCurrentOrganization(), missing: null };
	} catch (e) {
		const err = parseApiError(e);
		// A user without any organization is a normal state, not a broken page.
		if (err.code === 'NO_ORGANIZATION') return { organization: null, missing: err.message };
		error(err.status ?? 503, { message: err.message, code: err.code });
	}
};
