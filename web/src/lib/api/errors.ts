/**
 * Turns whatever a failed request threw into something the UI can show.
 *
 * The API answers every error with one body: {code, message, details, request_id}.
 * For VALIDATION_ERROR, `details` maps each JSON field to a message fragment such
 * as "is required" or "must be at least 8 characters"; other codes may carry
 * structured data there (QUOTA_EXCEEDED: {feature, limit, used}), which is not a
 * field error.
 */
import axios from 'axios';

export interface ApiError {
	/** HTTP status, or null when no response arrived (offline, timeout, CORS). */
	status: number | null;
	/** The API's stable UPPER_SNAKE code, or NETWORK_ERROR / HTTP_<status> / UNKNOWN_ERROR. */
	code: string;
	/** A sentence to show the user. */
	message: string;
	/** Field name (JSON name, e.g. "first_name") → message fragment. */
	fields: Record<string, string>;
	requestId?: string;
	/** Seconds from the Retry-After header of a 429. */
	retryAfter?: number;
}

interface ErrorBody {
	code: string;
	message: string;
	details?: Record<string, unknown> | null;
	request_id?: string;
}

function isErrorBody(body: unknown): body is ErrorBody {
	if (typeof body !== 'object' || body === null) return false;
	const b = body as Record<string, unknown>;
	return typeof b.code === 'string' && b.code !== '' && typeof b.message === 'string';
}

/** Field errors from an error body: only VALIDATION_ERROR details, only string messages. */
export function fieldErrors(body: unknown): Record<string, string> {
	if (!isErrorBody(body) || body.code !== 'VALIDATION_ERROR') return {};
	const details = body.details;
	if (typeof details !== 'object' || details === null || Array.isArray(details)) return {};
	const out: Record<string, string> = {};
	for (const [field, msg] of Object.entries(details)) {
		if (typeof msg === 'string' && msg.trim() !== '' && field !== '') out[field] = msg.trim();
	}
	return out;
}

function parseRetryAfter(value: unknown): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const n = Number(value);
	return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined;
}

function messageForStatus(status: number): string {
	if (status === 401) return 'You need to sign in to do this.';
	if (status === 403) return 'You do not have permission to do this.';
	if (status === 404) return 'The requested resource was not found.';
	if (status === 429) return 'Too many attempts. Please wait and try again.';
	if (status >= 500) return 'The server had a problem. Please try again in a moment.';
	return `The request failed (HTTP ${status}).`;
}

export function parseApiError(err: unknown): ApiError {
	if (!axios.isAxiosError(err)) {
		return { status: null, code: 'UNKNOWN_ERROR', message: 'Something went wrong. Please try again.', fields: {} };
	}
	const res = err.response;
	if (!res) {
		return {
			status: null,
			code: 'NETWORK_ERROR',
			message: 'Could not reach the server. Check your connection and try again.',
			fields: {}
		};
	}
	const headers = (res.headers ?? {}) as Record<string, unknown>;
	const retryAfter = res.status === 429 ? parseRetryAfter(headers['retry-after']) : undefined;
	const body: unknown = res.data;
	if (!isErrorBody(body)) {
		return { status: res.status, code: `HTTP_${res.status}`, message: messageForStatus(res.status), fields: {}, retryAfter };
	}
	let message = body.message.trim() || messageForStatus(res.status);
	// The server's own 429 message already says how long ("Try again in 15 minutes."):
	// only a message that does not gets the wait appended.
	if (retryAfter !== undefined && retryAfter > 0 && !/try again in/i.test(message)) {
		message += ` Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
	}
	return {
		status: res.status,
		code: body.code,
		message,
		fields: fieldErrors(body),
		requestId: typeof body.request_id === 'string' ? body.request_id : undefined,
		retryAfter
	};
}

/**
 * The text shown under a field: the API sends fragments ("is required"), so
 * they are prefixed with the field's label; full sentences pass through.
 */
export function fieldMessage(label: string, msg: string | undefined): string | undefined {
	if (!msg) return undefined;
	const first = msg.charAt(0);
	if (first === first.toUpperCase()) return msg; // a sentence, or starts with no letter
	return `${label} ${msg}`;
}

/**
 * Field errors for fields the form does not show (e.g. a renamed field), as
 * sentences, so they are never silently dropped.
 */
export function otherFieldErrors(fields: Record<string, string>, shown: readonly string[]): string[] {
	return Object.entries(fields)
		.filter(([name]) => !shown.includes(name))
		.map(([name, msg]) => fieldMessage(name.replaceAll('_', ' '), msg) ?? msg)
		.sort();
}
