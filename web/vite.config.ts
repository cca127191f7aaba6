import tailwindcss from '@tailwindcss/vite';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// `npm run dev` serves the SPA on :5173 and forwards /api to the Go server
// (go tool task dev, or bin/fastsvelte serve), so cookies stay same-origin.
const api = process.env.FS_API_URL ?? 'http://localhost:8000';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	build: {
		// On a 2-core machine the build always "takes long"; the timing report is noise.
		rolldownOptions: { checks: { bundlerTimings: false } }
	},
	server: {
		proxy: { '/api': { target: api, changeOrigin: false } }
	},
	test: {
		include: ['src/**/*.test.ts'],
		environment: 'node'
	}
});
