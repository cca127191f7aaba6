import { defineConfig } from 'orval';

// Generates the typed API client from the swag output (Swagger 2.0, read from the
// file, never over HTTP). The output is committed; `go tool task web:client:check`
// regenerates it elsewhere and fails on any difference, so nothing here may depend
// on the time, the machine or the absolute path.
//
// ORVAL_ROOT lets the drift check generate into a scratch copy of src/lib/api with
// the same layout, so relative imports come out identical.
const root = process.env.ORVAL_ROOT ?? '.';

type Spec = {
	securityDefinitions?: Record<string, { type?: string; in?: string }>;
	paths?: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
	security?: Record<string, string[]>[];
};

/**
 * Swagger 2.0 has no cookie-located apiKey (only header/query), yet swag writes
 * `in: cookie` for the session cookie and orval's validator rejects the document.
 * The browser sends the cookie on its own, so the client needs no security
 * definition: drop the invalid ones and every reference to them.
 */
function dropCookieSecurity(spec: Spec): Spec {
	const invalid = new Set(
		Object.entries(spec.securityDefinitions ?? {})
			.filter(([, d]) => d.type === 'apiKey' && d.in !== 'header' && d.in !== 'query')
			.map(([name]) => name)
	);
	if (invalid.size === 0) return spec;
	const keep = (reqs?: Record<string, string[]>[]) =>
		reqs?.filter((r) => Object.keys(r).every((k) => !invalid.has(k)));
	const out: Spec = structuredClone(spec);
	for (const name of invalid) delete out.securityDefinitions![name];
	if (Object.keys(out.securityDefinitions!).length === 0) delete out.securityDefinitions;
	if (out.security) out.security = keep(out.security);
	for (const item of Object.values(out.paths ?? {})) {
		for (const op of Object.values(item)) {
			if (op && typeof op === 'object' && op.security) op.security = keep(op.security);
		}
	}
	return out;
}

export default defineConfig({
	fastsvelte: {
		input: {
			target: '../docs/openapi/swagger.json',
			override: { transformer: (spec) => dropCookieSecurity(spec as Spec) as typeof spec }
		},
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
