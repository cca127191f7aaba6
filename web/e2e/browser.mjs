// Browser plumbing for the end-to-end tests: playwright-core drives Debian's
// system Chromium (a Playwright browser download cannot work here), each
// scenario in its own fresh profile directory.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.E2E_BASE_URL ?? 'http://localhost:8000').replace(/\/$/, '');
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'fastsvelte-e2e-screenshots');
const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// The flags known to work on these machines (shared/TOOLCHAIN.md), plus no QUIC
// and no sync so the browser talks to nothing but the server under test.
const FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
	'--disable-quic',
	'--disable-sync'
];

/**
 * Opens a fresh browser profile (a new --user-data-dir) and gives `fn` a page.
 * On failure a screenshot of the page is saved for the report; the browser and
 * its profile are always removed.
 * @param {string} name scenario name, used for screenshot file names
 * @param {(page: import('playwright-core').Page) => Promise<void>} fn
 */
export async function withPage(name, fn) {
	const profile = await mkdtemp(join(tmpdir(), 'fastsvelte-e2e-profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: EXECUTABLE,
		headless: true,
		args: FLAGS,
		viewport: { width: 1280, height: 800 },
		locale: 'en-US',
		timezoneId: 'UTC'
	});
	context.setDefaultTimeout(15_000);
	context.setDefaultNavigationTimeout(20_000);
	const page = context.pages()[0] ?? (await context.newPage());
	/** @type {string[]} */
	const consoleErrors = [];
	page.on('console', (msg) => {
		// A 401/403/422 answer is logged by the browser as a failed resource; those are expected.
		if (msg.type() === 'error' && !/status of 4\d\d/.test(msg.text())) consoleErrors.push(msg.text());
	});
	page.on('pageerror', (err) => consoleErrors.push(String(err)));
	try {
		await fn(page);
		if (consoleErrors.length) throw new Error(`errors in the browser console:\n${consoleErrors.join('\n')}`);
	} catch (err) {
		await screenshot(page, `FAILED-${name}`).catch(() => undefined);
		throw err;
	} finally {
		await context.close().catch(() => undefined);
		await rm(profile, { recursive: true, force: true });
	}
}

/** Saves a full-page PNG into SCREENSHOT_DIR and returns its path. */
export async function screenshot(page, name) {
	await mkdir(SCREENSHOT_DIR, { recursive: true });
	const file = join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/** The dev mailbox (FS_ENVIRONMENT=dev): newest first. */
export async function devMail() {
	const res = await fetch(`${BASE_URL}/api/dev/mail`);
	if (!res.ok) throw new Error(`GET /api/dev/mail answered ${res.status}`);
	return /** @type {Promise<{id: string, to: string, subject: string, text: string}[]>} */ (res.json());
}

/**
 * Waits for a mail to `to` whose text has a link to `pathPrefix` (mail goes through
 * a background job, so it may take a moment) and returns the newest such link.
 */
export async function waitForLink(to, pathPrefix, { timeoutMs = 20_000, after = new Set() } = {}) {
	const deadline = Date.now() + timeoutMs;
	const pattern = new RegExp(`https?://[^\\s"'<>]+${pathPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s"'<>]*`);
	for (;;) {
		for (const mail of await devMail()) {
			if (after.has(mail.id) || !mail.to.toLowerCase().includes(to.toLowerCase())) continue;
			const m = mail.text.match(pattern);
			if (m) return { link: m[0], id: mail.id };
		}
		if (Date.now() > deadline) throw new Error(`no mail to ${to} with a ${pathPrefix} link within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** Resolves once the page's path is `path` (ignoring the query). */
export async function waitForPath(page, path) {
	await page.waitForURL((url) => url.pathname === path, { timeout: 15_000 });
}
