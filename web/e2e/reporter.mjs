// A node:test reporter for the e2e run: one line per scenario, failures with their
// error, and a last line `N passed, N failed` that CI reads.
import { relative } from 'node:path';

const green = (s) => (process.stdout.isTTY ? `\x1b[32m${s}\x1b[0m` : s);
const red = (s) => (process.stdout.isTTY ? `\x1b[31m${s}\x1b[0m` : s);

function describeError(err) {
	const cause = err?.cause ?? err;
	const text = cause?.stack ?? cause?.message ?? String(cause);
	return text
		.split('\n')
		.map((l) => `    ${l}`)
		.join('\n');
}

export default async function* reporter(source) {
	let passed = 0;
	let failed = 0;
	let skipped = 0;
	for await (const event of source) {
		const data = event.data;
		if (event.type === 'test:pass' || event.type === 'test:fail') {
			if (data.details?.type === 'suite') continue;
			const ms = Math.round(data.details?.duration_ms ?? 0);
			const where = data.file ? ` [${relative(process.cwd(), data.file)}]` : '';
			if (event.type === 'test:pass' && (data.skip || data.todo)) {
				skipped++;
				yield `- ${data.name} (skipped)\n`;
			} else if (event.type === 'test:pass') {
				passed++;
				yield `${green('✔')} ${data.name} (${ms} ms)\n`;
			} else {
				failed++;
				yield `${red('✖')} ${data.name} (${ms} ms)${where}\n${describeError(data.details?.error)}\n`;
			}
		} else if (event.type === 'test:stderr' || event.type === 'test:stdout') {
			yield data.message;
		}
	}
	yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
