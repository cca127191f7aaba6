import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		// Svelte 5 runes everywhere; legacy component syntax is a compile error.
		runes: true
	},
	kit: {
		// A pure SPA: the Go binary serves build/ under /app/ and falls back to
		// index.html for client-side routes.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
		paths: { base: '/app', relative: false },
		version: { pollInterval: 0 }
	}
};

export default config;
