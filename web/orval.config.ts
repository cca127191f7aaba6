import { defineConfig } from 'orval';

// Generates the typed API client from the swag output (Swagger 2.0, read from the
// file, never over HTTP). The output is committed; `go tool task web:client:check`
// regenerates it elsewhere and fails on any difference, so nothing here may depend
// on the time, the machine or the absolute path.
//
// ORVAL_ROOT lets the drift check generate into a scratch copy of src/lib/api with
// the same layout, so relative imports come out identical.
const root = process.env.ORVAL_ROOT ?? '.';

export default defineConfig({
	fastsvelte: {
		// The session cookie is not declared in the spec (Swagger 2.0 cannot express a
		// cookie apiKey); the browser sends it with withCredentials.
		input: { target: '../docs/openapi/swagger.json' },
		output: {
			mode: 'tags',
			client: 'axios-functions',
			target: `${root}/src/lib/api/generated/endpoints.ts`,
			schemas: `${root}/src/lib/api/generated/model`,
			clean: true,
			prettier: false,
			// Inline, so generation never depends on .svelte-kit/ (svelte-kit sync) or
			// the machine; mirrors the compiler options the app is checked with.
			tsconfig: {
				compilerOptions: {
					target: 'esnext',
					module: 'esnext',
					moduleResolution: 'bundler',
					verbatimModuleSyntax: true,
					isolatedModules: true,
					strict: true
				}
			},
			override: {
				mutator: {
					path: `${root}/src/lib/api/http.ts`,
					name: 'http'
				}
			}
		}
	}
});
