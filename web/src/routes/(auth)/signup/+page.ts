import { leaveWhenSignedIn } from '$lib/api/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url }) => {
	await leaveWhenSignedIn(url);
	return {};
};
