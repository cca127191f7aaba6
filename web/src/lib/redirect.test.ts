import { describe, expect, it } from 'vitest';
import { HOME, loginPath, safeNext } from './redirect';

describe('safeNext', () => {
	it('follows same-site dashboard paths, query and hash included', () => {
		expect(safeNext('/app/')).toBe('/app/');
		expect(safeNext('/app/profile')).toBe('/app/profile');
		expect(safeNext('/app/organization?tab=members#top')).toBe('/app/organization?tab=members#top');
	});

	it('falls back to the dashboard for missing or empty values', () => {
		expect(safeNext(null)).toBe(HOME);
		expect(safeNext(undefined)).toBe(HOME);
		expect(safeNext('')).toBe(HOME);
		expect(safeNext(null, '/app/profile')).toBe('/app/profile');
	});

	it.each([
		'https://evil.example/app/',
		'http://localhost:8000/app/profile',
		'//evil.example/app/',
		'///evil.example',
		'/\\evil.example',
		'\\\\evil.example',
		'/app\\..\\..\\evil',
		'javascript:alert(1)',
		'data:text/html,hi',
		'app/profile',
		'/app',
		'/appevil',
		'/api/users/me',
		'/',
		'/app/../api/dev/mail',
		'/app/%2e%2e/evil',
		'/app/./../evil',
		'/app/\nprofile',
		'/app/\tprofile',
		' /app/profile'
	])('rejects %j', (next) => {
		expect(safeNext(next)).toBe(HOME);
	});

	it('does not send the user back to a sign-in page', () => {
		expect(safeNext('/app/login')).toBe(HOME);
		expect(safeNext('/app/login/')).toBe(HOME);
		expect(safeNext('/app/signup?x=1')).toBe(HOME);
		expect(safeNext('/app/verify-email?token=t')).toBe(HOME);
		expect(safeNext('/app/reset-password?token=t')).toBe(HOME);
		expect(safeNext('/app/forgot-password')).toBe(HOME);
	});

	it('normalises harmless dot segments that stay inside /app/', () => {
		expect(safeNext('/app/x/../profile')).toBe('/app/profile');
	});

	it('rejects overly long values', () => {
		expect(safeNext('/app/' + 'a'.repeat(3000))).toBe(HOME);
	});
});

describe('loginPath', () => {
	it('carries the current page as next', () => {
		expect(loginPath({ pathname: '/app/profile', search: '?a=1&b=2' })).toBe(
			'/app/login?next=%2Fapp%2Fprofile%3Fa%3D1%26b%3D2'
		);
	});

	it('omits next for the dashboard home and for unsafe locations', () => {
		expect(loginPath({ pathname: '/app/', search: '' })).toBe('/app/login');
		expect(loginPath(new URL('http://localhost/app/login?next=/app/profile'))).toBe('/app/login');
		expect(loginPath({ pathname: '//evil.example/', search: '' })).toBe('/app/login');
	});
});
