// End-to-end scenarios against the real Go server and database (scripts/e2e-run.sh
// starts both and sets E2E_BASE_URL). Run alone against a dev server with
// E2E_BASE_URL=http://localhost:8000 node --test e2e/
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { BASE_URL, devMail, screenshot, waitForLink, waitForPath, withPage } from './browser.mjs';

const TIMEOUT = 90_000;
const unique = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** @param {import('playwright-core').Page} page */
async function login(page, email, password) {
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

test('sign up, verify by email, sign in, edit the profile, log out', { timeout: TIMEOUT }, async () => {
	const id = unique();
	const email = `e2e-${id}@example.com`;
	const password = `pw-${id}-secret`;

	await withPage('signup-flow', async (page) => {
		// Sign up.
		await page.goto(`${BASE_URL}/app/signup`);
		await page.getByLabel('First name').waitFor();
		assert.equal(await page.getByLabel('Organization name').count(), 0, 'b2c sign-up has no organization field');
		await page.getByLabel('First name').fill('Ada');
		await page.getByLabel('Last name').fill('Lovelace');
		await page.getByLabel('Email').fill(email);
		await page.getByLabel('Password').fill(password);
		const seen = new Set((await devMail()).map((m) => m.id));
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.getByRole('heading', { name: 'Check your email' }).waitFor();
		assert.equal(await page.getByRole('link', { name: /open the dev mailbox/ }).getAttribute('href'), '/api/dev/mail');
		await screenshot(page, 'check-email');
		const first = await waitForLink(email, '/app/verify-email?token=', { after: seen });

		// Signing in before verifying is refused; ask for a new link from there.
		await page.goto(`${BASE_URL}/app/login`);
		await login(page, email, password);
		await page.getByRole('button', { name: 'Resend verification email' }).waitFor();
		assert.match(await page.getByTestId('form-error').innerText(), /confirm your email/i);
		await screenshot(page, 'email-not-verified');
		seen.add(first.id);
		await page.getByRole('button', { name: 'Resend verification email' }).click();
		await page.getByRole('status').filter({ hasText: /./ }).first().waitFor();
		await screenshot(page, 'resent-verification');
		const { link } = await waitForLink(email, '/app/verify-email?token=', { after: seen });
		assert.ok(link.startsWith(`${BASE_URL}/app/verify-email?token=`), `link uses the base URL: ${link}`);

		// Verify.
		await page.goto(link);
		await page.getByRole('heading', { name: 'Email verified' }).waitFor();
		assert.equal(new URL(page.url()).search, '', 'the token is removed from the address bar');
		await screenshot(page, 'verified');
		await page.getByRole('link', { name: 'Sign in' }).click();
		await waitForPath(page, '/app/login');

		// Sign in → dashboard with the user's name, organization and role.
		await login(page, email, password);
		await waitForPath(page, '/app/');
		await page.getByTestId('welcome').waitFor();
		assert.equal(await page.getByTestId('user-name').innerText(), 'Ada Lovelace');
		const me = await page.evaluate(() => fetch('/api/users/me').then((r) => r.json()));
		assert.ok(me.organization?.name, 'the new user has an organization');
		assert.equal(await page.getByTestId('org-name').innerText(), me.organization.name);
		assert.equal(await page.getByTestId('role').innerText(), 'Organization admin');
		const shot = await screenshot(page, 'dashboard');
		console.log(`  dashboard screenshot: ${shot}`);

		// Edit the profile; a reload shows the saved name.
		await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
		await waitForPath(page, '/app/profile');
		await page.getByLabel('First name').fill('Grace');
		await page.getByLabel('Last name').fill('Hopper');
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.getByText('Your profile was saved.').waitFor();
		assert.equal(await page.getByTestId('nav-user').innerText(), 'Grace Hopper');
		await page.reload();
		await page.getByLabel('First name').waitFor();
		assert.equal(await page.getByLabel('First name').inputValue(), 'Grace');
		assert.equal(await page.getByLabel('Last name').inputValue(), 'Hopper');
		await screenshot(page, 'profile');

		// A field error from the API is shown next to its field.
		await page.getByLabel('First name').fill('x'.repeat(100));
		await page.getByLabel('First name').evaluate((el) => el.removeAttribute('maxlength'));
		await page.getByLabel('First name').fill('x'.repeat(101));
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.getByText('First name must be at most 100 characters').waitFor();
		assert.equal(await page.getByLabel('First name').getAttribute('aria-invalid'), 'true');

		// Log out → login page; the dashboard now redirects to login.
		await page.getByRole('button', { name: 'Log out' }).click();
		await waitForPath(page, '/app/login');
		await page.goto(`${BASE_URL}/app/`);
		await waitForPath(page, '/app/login');
		await page.getByRole('heading', { name: 'Sign in' }).waitFor();

		// A deep link survives the detour through login.
		await page.goto(`${BASE_URL}/app/profile`);
		await waitForPath(page, '/app/login');
		assert.equal(new URL(page.url()).searchParams.get('next'), '/app/profile');
		await login(page, email, password);
		await waitForPath(page, '/app/profile');
	});
});

test('login with a wrong password shows the error', { timeout: TIMEOUT }, async () => {
	await withPage('wrong-password', async (page) => {
		await page.goto(`${BASE_URL}/app/login?next=https://evil.example/`);
		await login(page, 'demo@example.com', 'not-the-password');
		const alert = page.getByTestId('form-error');
		await alert.waitFor();
		assert.equal(await alert.innerText(), 'The email or password is incorrect.');
		await waitForPath(page, '/app/login');
		assert.equal(await page.getByRole('button', { name: 'Sign in' }).isEnabled(), true);
		await screenshot(page, 'login-error');

		// An unsafe next is ignored after a successful sign-in.
		await login(page, 'demo@example.com', 'demo-password');
		await waitForPath(page, '/app/');
		assert.equal(new URL(page.url()).origin, new URL(BASE_URL).origin);
	});
});

test('an invalid or missing verification token shows the error', { timeout: TIMEOUT }, async () => {
	await withPage('bad-verify-link', async (page) => {
		await page.goto(`${BASE_URL}/app/verify-email?token=not-a-real-token`);
		await page.getByRole('heading', { name: "We couldn't verify your email" }).waitFor();
		assert.equal(await page.getByRole('alert').innerText(), 'This link is invalid or has expired. Ask for a new one.');
		await page.goto(`${BASE_URL}/app/verify-email`);
		await page.getByRole('heading', { name: "We couldn't verify your email" }).waitFor();
		assert.match(await page.getByRole('alert').innerText(), /no verification token/);
		await page.getByRole('link', { name: 'Go to sign in' }).click();
		await waitForPath(page, '/app/login');
	});
});

test('the demo org admin renames the organization', { timeout: TIMEOUT }, async () => {
	const name = `Demo Org ${unique()}`;
	await withPage('rename-org', async (page) => {
		await page.goto(`${BASE_URL}/app/organization`);
		await waitForPath(page, '/app/login');
		await login(page, 'demo@example.com', 'demo-password');
		await waitForPath(page, '/app/organization');
		await page.getByRole('heading', { name: 'Rename organization' }).waitFor();
		await page.getByLabel('Organization name').fill(name);
		await page.getByRole('button', { name: 'Save name' }).click();
		await page.getByText('The organization was renamed.').waitFor();
		assert.equal(await page.getByTestId('org-detail-name').innerText(), name);
		await page.reload();
		await page.getByTestId('org-detail-name').waitFor();
		assert.equal(await page.getByTestId('org-detail-name').innerText(), name);
		await screenshot(page, 'organization');
		await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
		await waitForPath(page, '/app/');
		assert.equal(await page.getByTestId('org-name').innerText(), name);
	});
});

test('b2b sign-up asks for the organization; field errors appear next to their fields', { timeout: TIMEOUT }, async () => {
	// The server under test runs in b2c mode; the b2b form is checked against a
	// stubbed /api/config and a stubbed 422 answer in the API's error shape.
	await withPage('b2b-signup', async (page) => {
		await page.route('**/api/config', (route) =>
			route.fulfill({
				json: { mode: 'b2b', app_name: 'FastSvelte', features: { billing: false, email_verification: true, google_oauth: false, dev_mailbox: false } }
			})
		);
		/** @type {any} */
		let sent;
		await page.route('**/api/auth/signup', (route) => {
			sent = route.request().postDataJSON();
			return route.fulfill({
				status: 422,
				json: {
					code: 'VALIDATION_ERROR',
					message: 'Some fields are invalid.',
					details: { organization_name: 'must be at most 100 characters', password: 'is too common' },
					request_id: 'stub'
				}
			});
		});
		await page.goto(`${BASE_URL}/app/signup`);
		await page.getByLabel('Organization name').fill('Analytical Engines Ltd');
		await page.getByLabel('First name').fill('Ada');
		await page.getByLabel('Last name').fill('Lovelace');
		await page.getByLabel('Email').fill('ada@example.com');
		await page.getByLabel('Password').fill('password1');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.getByTestId('form-error').waitFor();
		assert.equal(sent.organization_name, 'Analytical Engines Ltd');
		assert.equal(await page.getByTestId('form-error').innerText(), 'Some fields are invalid.');
		const org = page.getByLabel('Organization name');
		assert.equal(await org.getAttribute('aria-invalid'), 'true');
		const describedBy = await org.getAttribute('aria-describedby');
		assert.equal(await page.locator(`#${describedBy}`).innerText(), 'Organization name must be at most 100 characters');
		assert.equal(await page.locator('#password-error').innerText(), 'Password is too common');
		assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), null);
		await screenshot(page, 'b2b-signup-errors');
	});
});

/** Ends the page's session from outside (as signing out in another tab does). */
async function endSessionElsewhere(page) {
	const cookie = (await page.context().cookies()).find((c) => c.name === 'fs_session');
	assert.ok(cookie, 'signed in: the session cookie is set');
	const res = await fetch(`${BASE_URL}/api/auth/logout`, {
		method: 'POST',
		headers: { Cookie: `fs_session=${cookie.value}`, Origin: BASE_URL }
	});
	assert.equal(res.status, 204);
}

test('a session that ends while the dashboard is open leads back to sign-in', { timeout: TIMEOUT }, async () => {
	await withPage('session-lost', async (page) => {
		await page.goto(`${BASE_URL}/app/login`);
		await login(page, 'demo@example.com', 'demo-password');
		await waitForPath(page, '/app/');
		// Signed in, the sign-in and sign-up pages move on instead of asking again.
		await page.goto(`${BASE_URL}/app/login?next=/app/profile`);
		await waitForPath(page, '/app/profile');
		await page.goto(`${BASE_URL}/app/signup`);
		await waitForPath(page, '/app/');

		// Opening another page after the session ended: sign in, then back there.
		// Profile and the dashboard load nothing of their own (a tester found they
		// showed the stale account), Organization does.
		const nav = page.getByRole('navigation', { name: 'Main' });
		for (const [link, path] of [
			['Profile', '/app/profile'],
			['Dashboard', '/app/'],
			['Organization', '/app/organization']
		]) {
			// Each round starts on the page the one before returned to (first /app/).
			await endSessionElsewhere(page);
			await nav.getByRole('link', { name: link }).click();
			await waitForPath(page, '/app/login');
			assert.equal(new URL(page.url()).searchParams.get('next') ?? '/app/', path, `after clicking ${link}`);
			await login(page, 'demo@example.com', 'demo-password');
			await waitForPath(page, path);
		}

		// Clicking the page you are on notices it too (SvelteKit skips the same URL).
		await endSessionElsewhere(page);
		await nav.getByRole('link', { name: 'Organization' }).click();
		await waitForPath(page, '/app/login');
		assert.equal(new URL(page.url()).searchParams.get('next'), '/app/organization', 'after clicking the current page');
		await login(page, 'demo@example.com', 'demo-password');
		await waitForPath(page, '/app/organization');

		// Submitting a form after the session ended: the same, back to that form.
		await nav.getByRole('link', { name: 'Profile' }).click();
		await waitForPath(page, '/app/profile');
		await endSessionElsewhere(page);
		await page.getByLabel('Last name').fill(`Session ${unique()}`);
		await page.getByRole('button', { name: 'Save changes' }).click();
		await waitForPath(page, '/app/login');
		assert.equal(new URL(page.url()).searchParams.get('next'), '/app/profile');
	});
});

test('forgot password: a mailed link sets a new password, once', { timeout: TIMEOUT }, async () => {
	const id = unique();
	const email = `e2e-reset-${id}@example.com`;
	const password = `pw-${id}-new-secret`;
	// An account whose confirmation mail was never opened: the reset confirms it too.
	const signup = await fetch(`${BASE_URL}/api/auth/signup`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Origin: BASE_URL },
		body: JSON.stringify({ email, password: `pw-${id}-forgotten`, first_name: 'Grace' })
	});
	assert.equal(signup.status, 202);

	await withPage('password-reset', async (page) => {
		await page.goto(`${BASE_URL}/app/login`);
		await page.getByRole('link', { name: 'Forgot your password?' }).click();
		await waitForPath(page, '/app/forgot-password');
		await page.getByLabel('Email').fill(email);
		const seen = new Set((await devMail()).map((m) => m.id));
		await page.getByRole('button', { name: 'Send reset link' }).click();
		await page.getByRole('status').filter({ hasText: /link to choose a new password/ }).waitFor();
		await screenshot(page, 'forgot-password');

		const { link } = await waitForLink(email, '/app/reset-password?token=', { after: seen });
		await page.goto(link);
		await page.getByLabel('New password', { exact: true }).waitFor();
		assert.equal(new URL(page.url()).search, '', 'the token is removed from the address bar');
		await page.reload(); // still works without the token in the address (a tester lost it here)
		await page.getByLabel('New password', { exact: true }).fill(password);
		await page.getByRole('button', { name: 'Set new password' }).click();
		await page.getByRole('status').filter({ hasText: /password was changed/ }).waitFor();
		await screenshot(page, 'password-reset');
		await page.getByRole('link', { name: 'Sign in' }).click();
		await waitForPath(page, '/app/login');
		await login(page, email, password);
		await waitForPath(page, '/app/');

		// The link works once; a used one says how to go on.
		await page.goto(link);
		await page.getByLabel('New password', { exact: true }).fill(`${password}-again`);
		await page.getByRole('button', { name: 'Set new password' }).click();
		const alert = page.getByTestId('form-error');
		await alert.waitFor();
		assert.match(await alert.innerText(), /invalid or has expired/);
		await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
	});
});

/** POSTs JSON to the API as the app would (same origin), with an optional cookie. */
async function api(path, body, cookie) {
	return fetch(`${BASE_URL}/api${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Origin: BASE_URL, ...(cookie ? { Cookie: cookie } : {}) },
		body: JSON.stringify(body)
	});
}

/** Signs in through the API (another device) and returns its session cookie. */
async function apiLogin(email, password) {
	const res = await api('/auth/login', { email, password });
	assert.equal(res.status, 200);
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('fs_session='));
	assert.ok(cookie, 'login sets the session cookie');
	return cookie.split(';')[0];
}

test('security: see and sign out other devices, change the password', { timeout: TIMEOUT }, async () => {
	const id = unique();
	const email = `e2e-sec-${id}@example.com`;
	const password = `pw-${id}-first`;
	const seen = new Set((await devMail()).map((m) => m.id));
	assert.equal((await api('/auth/signup', { email, password, first_name: 'Hedy' })).status, 202);
	const { link } = await waitForLink(email, '/app/verify-email?token=', { after: seen });
	assert.equal((await api('/auth/verify-email', { token: new URL(link).searchParams.get('token') })).status, 200);
	const otherDevice = await apiLogin(email, password);

	await withPage('security', async (page) => {
		await page.goto(`${BASE_URL}/app/security`);
		await waitForPath(page, '/app/login');
		await login(page, email, password);
		await waitForPath(page, '/app/security');
		const sessions = page.getByTestId('session');
		await sessions.nth(1).waitFor();
		assert.equal(await sessions.count(), 2);
		assert.equal(await sessions.filter({ hasText: 'This device' }).count(), 1);
		await screenshot(page, 'security');

		// Sign the other device out from here.
		await sessions.filter({ hasNotText: 'This device' }).getByRole('button', { name: 'Sign out' }).click();
		await page.waitForFunction(() => document.querySelectorAll('[data-testid="session"]').length === 1);
		const me = await fetch(`${BASE_URL}/api/users/me`, { headers: { Cookie: otherDevice } });
		assert.equal(me.status, 401, 'the signed-out device has no session any more');

		// A wrong current password is shown at its field; the right one changes it.
		const newPassword = `pw-${id}-second`;
		await page.getByLabel('Current password').fill('not my password');
		await page.getByLabel('New password', { exact: true }).fill(newPassword);
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.getByText('Current password is incorrect').waitFor();
		await page.getByLabel('Current password').fill(password);
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.getByRole('status').filter({ hasText: /password was changed/ }).waitFor();
		assert.equal((await api('/auth/login', { email, password })).status, 401);
		await apiLogin(email, newPassword);
		// This browser stays signed in.
		await page.reload();
		await waitForPath(page, '/app/security');
	});
});
