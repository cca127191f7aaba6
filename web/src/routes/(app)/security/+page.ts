import { listSessions } from '$lib/api/generated/auth';
import { failLoad } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ depends, url }) => {
	depends('app:sessions');
	try {
		return { sessions: (await listSessions()).items };
	} catch (e) {
		failLoad(e, url);
	}
};
