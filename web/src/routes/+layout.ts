import { getConfig } from '$lib/api/generated/config';
import type { ConfigResponse } from '$lib/api/generated/model';
import type { LayoutLoad } from './$types';

// A single-page app: the Go server serves build/index.html for every /app/ path
// and all data comes from the API in the browser.
export const ssr = false;
export const prerender = false;

const fallback: ConfigResponse = {
	app_name: 'FastSvelte',
	mode: 'b2c',
	features: { billing: false, email_verification: true, google_oauth: false, dev_mailbox: false }
};

export const load: LayoutLoad = async () => {
	// The public config only shapes the UI (mode, app name); an outage here must
	// not keep anyone from signing in.
	const config = await getConfig().catch(() => fallback);
	return { config };
};
