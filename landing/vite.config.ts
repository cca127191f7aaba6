import tailwindcss from '@tailwindcss/vite';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	build: {
		// On a 2-core machine the build always "takes long"; the timing report is noise.
		rolldownOptions: { checks: { bundlerTimings: false } }
	}
});
