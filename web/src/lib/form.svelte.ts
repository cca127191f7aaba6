/**
 * The state every form shares: whether it is submitting and the last API error.
 * `submit` runs the request, records a parsed error instead of throwing, and keeps
 * the submit button disabled meanwhile (a second submit while one runs is ignored).
 */
import { parseApiError, type ApiError } from '$lib/api/errors';

export class FormState {
	submitting = $state(false);
	error = $state<ApiError | null>(null);

	/** The API's message fragment for a field, if the last submit was rejected for it. */
	field(name: string): string | undefined {
		return this.error?.fields[name];
	}

	async submit<T>(request: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ApiError }> {
		if (this.submitting) return { ok: false, error: { status: null, code: 'BUSY', message: '', fields: {} } };
		this.submitting = true;
		this.error = null;
		try {
			return { ok: true, value: await request() };
		} catch (e) {
			const error = parseApiError(e);
			this.error = error;
			return { ok: false, error };
		} finally {
			this.submitting = false;
		}
	}
}
