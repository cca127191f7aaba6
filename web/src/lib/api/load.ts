/**
 * What a page's load does with a failed API call: a lost session (401) goes to
 * the login page and comes back here afterwards; anything else is the error page.
 */
import { error, redirect } from '@sveltejs/kit';
import { loginPath, safeNext } from '$lib/redirect';
import { parseApiError } from './errors';
import { getMe } from './generated/users';

export function failLoad(e: unknown, url: URL): never {
	const err = parseApiError(e);
	if (err.status === 401) redirect(307, loginPath(url));
	error(err.status ?? 503, { message: err.message, code: err.code });
}

/**
 * For the sign-in and sign-up pages: someone already signed in has nothing to do
 * there, so they go on to where they were headed (or the dashboard).
 */
export async function leaveWhenSignedIn(url: URL): Promise<void> {
	const signedIn = await getMe().then(
		() => true,
		() => false
	);
	if (signedIn) redirect(307, safeNext(url.searchParams.get('next')));
}
