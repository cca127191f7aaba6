/**
 * Where to go after signing in. `next` comes from the query string, so anyone can
 * craft it: only same-site paths inside the dashboard (/app/…) are followed, never
 * an absolute URL (https://evil.example), a protocol-relative one (//evil.example),
 * a backslash variant browsers treat like a slash, or a path that escapes /app/
 * through dot segments.
 */
export const HOME = '/app/';

const ORIGIN = 'http://next.invalid';
const AUTH_PAGES = ['/app/login', '/app/signup', '/app/verify-email', '/app/forgot-password', '/app/reset-password'];

export function safeNext(next: string | null | undefined, fallback: string = HOME): string {
	if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return fallback;
	// Backslashes and control characters are folded or dropped by URL parsers in
	// browser-specific ways; nothing legitimate needs them.
	// eslint-disable-next-line no-control-regex
	if (/[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
	if (!next.startsWith('/app/')) return fallback;
	let url: URL;
	try {
		url = new URL(next, ORIGIN);
	} catch {
		return fallback;
	}
	if (url.origin !== ORIGIN || !url.pathname.startsWith('/app/')) return fallback;
	const path = url.pathname.replace(/\/+$/, '') || '/';
	if (AUTH_PAGES.includes(path)) return fallback;
	return url.pathname + url.search + url.hash;
}

/** The login page URL that brings the user back to `url` afterwards. */
export function loginPath(url: URL | { pathname: string; search: string }): string {
	const here = url.pathname + url.search;
	const next = safeNext(here, '');
	return next && next !== HOME ? `/app/login?next=${encodeURIComponent(next)}` : '/app/login';
}
