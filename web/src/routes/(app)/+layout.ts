import { error, redirect } from '@sveltejs/kit';
import { parseApiError } from '$lib/api/errors';
import { getMe } from '$lib/api/generated/users';
import { loginPath } from '$lib/redirect';
import type { LayoutLoad } from './$types';

/** Every page in this group needs a session: no session → the login page, then back here. */
export const load: LayoutLoad = async ({ url, depends }) => {
	depends('app:me');
	try {
		return { me: await getMe() };
	} catch (e) {
		const err = parseApiError(e);
		if (err.status === 401) redirect(307, loginPath(url));
		error(err.status ?? 503, { message: err.message, code: err.code });
	}
};
