import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { FormState } from './form.svelte';

function rejected(status: number, data: unknown): AxiosError {
	const config = { headers: new AxiosHeaders() };
	const response = { status, statusText: '', data, headers: {}, config } as AxiosResponse;
	return new AxiosError('Request failed', 'ERR_BAD_REQUEST', config, {}, response);
}

describe('FormState', () => {
	it('is busy while the request runs and returns its value', async () => {
		const form = new FormState();
		let release!: (v: string) => void;
		const pending = form.submit(() => new Promise<string>((r) => (release = r)));
		expect(form.submitting).toBe(true);
		release('done');
		expect(await pending).toEqual({ ok: true, value: 'done' });
		expect(form.submitting).toBe(false);
		expect(form.error).toBeNull();
	});

	it('records the parsed API error and exposes field messages', async () => {
		const form = new FormState();
		const result = await form.submit(() =>
			Promise.reject(
				rejected(422, { code: 'VALIDATION_ERROR', message: 'Some fields are invalid.', details: { name: 'is required' } })
			)
		);
		expect(result.ok).toBe(false);
		expect(form.submitting).toBe(false);
		expect(form.error?.message).toBe('Some fields are invalid.');
		expect(form.field('name')).toBe('is required');
		expect(form.field('other')).toBeUndefined();
	});

	it('ignores a second submit while one is running and clears the old error on the next', async () => {
		const form = new FormState();
		await form.submit(() => Promise.reject(rejected(401, { code: 'INVALID_CREDENTIALS', message: 'Wrong.' })));
		expect(form.error?.code).toBe('INVALID_CREDENTIALS');
		let calls = 0;
		let release!: () => void;
		const first = form.submit(() => {
			calls++;
			return new Promise<void>((r) => (release = r));
		});
		expect(form.error).toBeNull();
		const second = await form.submit(async () => {
			calls++;
		});
		expect(second.ok).toBe(false);
		release();
		await first;
		expect(calls).toBe(1);
	});
});
