import { AxiosError, AxiosHeaders, type AxiosResponse } from 'axios';
import { describe, expect, it } from 'vitest';
import { fieldErrors, fieldMessage, otherFieldErrors, parseApiError } from './errors';

function failed(status: number, data: unknown, headers: Record<string, string> = {}): AxiosError {
	const config = { headers: new AxiosHeaders() };
	const response = { status, statusText: '', data, headers, config } as AxiosResponse;
	return new AxiosError('Request failed', 'ERR_BAD_RESPONSE', config, {}, response);
}

describe('parseApiError', () => {
	it('maps a 422 VALIDATION_ERROR body to field errors', () => {
		const err = parseApiError(
			failed(422, {
				code: 'VALIDATION_ERROR',
				message: 'Some fields are invalid.',
				details: { first_name: 'is required', password: 'must be at least 8 characters' },
				request_id: 'req-1'
			})
		);
		expect(err).toEqual({
			status: 422,
			code: 'VALIDATION_ERROR',
			message: 'Some fields are invalid.',
			fields: { first_name: 'is required', password: 'must be at least 8 characters' },
			requestId: 'req-1',
			retryAfter: undefined
		});
	});

	it('keeps code and message of other errors and has no field errors', () => {
		const err = parseApiError(
			failed(403, { code: 'EMAIL_NOT_VERIFIED', message: 'Verify your email address first.', request_id: 'r' })
		);
		expect(err.status).toBe(403);
		expect(err.code).toBe('EMAIL_NOT_VERIFIED');
		expect(err.message).toBe('Verify your email address first.');
		expect(err.fields).toEqual({});
	});

	it('does not treat structured details of other codes as field errors', () => {
		const err = parseApiError(
			failed(402, {
				code: 'QUOTA_EXCEEDED',
				message: 'Quota exceeded.',
				details: { feature: 'projects', limit: 3, used: 3 }
			})
		);
		expect(err.code).toBe('QUOTA_EXCEEDED');
		expect(err.fields).toEqual({});
	});

	it('adds the Retry-After wait to a 429 message', () => {
		const err = parseApiError(
			failed(429, { code: 'RATE_LIMITED', message: 'Too many attempts. Please wait and try again.' }, { 'retry-after': '30' })
		);
		expect(err.retryAfter).toBe(30);
		expect(err.message).toBe('Too many attempts. Please wait and try again. Try again in 30 seconds.');
	});

	it('does not repeat the wait when the message already states it', () => {
		const err = parseApiError(
			failed(429, { code: 'RATE_LIMITED', message: 'Too many attempts. Try again in 15 minutes.' }, { 'retry-after': '897' })
		);
		expect(err.retryAfter).toBe(897);
		expect(err.message).toBe('Too many attempts. Try again in 15 minutes.');
	});

	it('falls back to a message by status for a body that is not the error shape', () => {
		const err = parseApiError(failed(502, '<html>Bad gateway</html>'));
		expect(err).toMatchObject({ status: 502, code: 'HTTP_502', fields: {} });
		expect(err.message).toMatch(/server had a problem/);
		expect(parseApiError(failed(404, { error: 'nope' })).message).toBe('The requested resource was not found.');
	});

	it('reports a request that got no response as a network error', () => {
		const err = parseApiError(new AxiosError('Network Error', 'ERR_NETWORK'));
		expect(err).toMatchObject({ status: null, code: 'NETWORK_ERROR', fields: {} });
	});

	it('handles things that are not axios errors', () => {
		expect(parseApiError(new Error('boom'))).toMatchObject({ status: null, code: 'UNKNOWN_ERROR' });
		expect(parseApiError(undefined)).toMatchObject({ code: 'UNKNOWN_ERROR' });
	});
});

describe('fieldErrors', () => {
	it('ignores non-string, empty and malformed details', () => {
		expect(
			fieldErrors({
				code: 'VALIDATION_ERROR',
				message: 'Some fields are invalid.',
				details: { email: '  must be a valid email address ', n: 3, x: null, y: '', '': 'is invalid' }
			})
		).toEqual({ email: 'must be a valid email address' });
		expect(fieldErrors({ code: 'VALIDATION_ERROR', message: 'x', details: ['a'] })).toEqual({});
		expect(fieldErrors({ code: 'VALIDATION_ERROR', message: 'x', details: null })).toEqual({});
		expect(fieldErrors({ code: 'VALIDATION_ERROR', message: 'x' })).toEqual({});
		expect(fieldErrors('VALIDATION_ERROR')).toEqual({});
		expect(fieldErrors(null)).toEqual({});
	});
});

describe('fieldMessage', () => {
	it('prefixes fragments with the label and leaves sentences alone', () => {
		expect(fieldMessage('First name', 'is required')).toBe('First name is required');
		expect(fieldMessage('Password', 'must be at least 8 characters')).toBe('Password must be at least 8 characters');
		expect(fieldMessage('Email', 'This address is taken.')).toBe('This address is taken.');
		expect(fieldMessage('Email', '8 characters minimum')).toBe('8 characters minimum');
		expect(fieldMessage('Email', undefined)).toBeUndefined();
		expect(fieldMessage('Email', '')).toBeUndefined();
	});
});

describe('otherFieldErrors', () => {
	it('lists the errors of fields the form does not show', () => {
		const fields = { first_name: 'is required', organization_name: 'is required', foo: 'is not a known field' };
		expect(otherFieldErrors(fields, ['first_name'])).toEqual([
			'foo is not a known field',
			'organization name is required'
		]);
		expect(otherFieldErrors(fields, ['first_name', 'organization_name', 'foo'])).toEqual([]);
	});
});
