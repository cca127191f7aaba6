import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// Every page is prerendered to HTML; the Go binary serves build/ at /.
		// 404.html is what it answers for unknown paths.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
		prerender: {
			// Every page is a static route ('*'); following links would only reach the
			// dashboard (/app/) and the API, which are not part of this site.
			entries: ['*'],
			crawl: false
		}
	}
};

export default config;
