import { getMe } from '$lib/api/generated/users';
import { failLoad } from '$lib/api/load';
import type { LayoutLoad } from './$types';

/** Every page in this group needs a session: no session → the login page, then back here. */
export const load: LayoutLoad = async ({ url, depends }) => {
	depends('app:me');
	// Reading the path makes SvelteKit run this on every navigation, so a session
	// that ended elsewhere is noticed at the next click even on pages that load
	// nothing of their own (the dashboard, the profile). One small request.
	void url.pathname;
	try {
		return { me: await getMe() };
	} catch (e) {
		failLoad(e, url);
	}
};
