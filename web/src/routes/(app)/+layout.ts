import { getMe } from '$lib/api/generated/users';
import { failLoad } from '$lib/api/load';
import type { LayoutLoad } from './$types';

/** Every page in this group needs a session: no session → the login page, then back here. */
export const load: LayoutLoad = async ({ url, depends }) => {
	depends('app:me');
	try {
		return { me: await getMe() };
	} catch (e) {
		failLoad(e, url);
	}
};
