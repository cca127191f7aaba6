/**
 * The one HTTP client of the dashboard. Orval's generated functions call `http`
 * (the mutator named in orval.config.ts), so every request goes to the same-origin
 * API under /api with the session cookie and resolves to the response body.
 * Failures reject with an AxiosError; turn them into something to show with
 * `parseApiError` from ./errors.
 */
import axios, { type AxiosError, type AxiosRequestConfig } from 'axios';

export const client = axios.create({
	baseURL: '/api',
	withCredentials: true,
	headers: { Accept: 'application/json' },
	timeout: 30_000
});

export const http = <T>(config: AxiosRequestConfig, options?: AxiosRequestConfig): Promise<T> =>
	client.request<T>({ ...config, ...options }).then((res) => res.data);

export type ErrorType<E> = AxiosError<E>;
export type BodyType<B> = B;

/**
 * Calls `lost` whenever the API says the session is gone (401 UNAUTHORIZED: logged
 * out elsewhere, expired, revoked) so the signed-in shell can go to the login page
 * instead of showing an error. Wrong credentials (INVALID_CREDENTIALS) do not count.
 * Returns the function that stops listening.
 */
export function onSessionLost(lost: () => void): () => void {
	const id = client.interceptors.response.use(undefined, (err: unknown) => {
		if (axios.isAxiosError(err) && err.response?.status === 401) {
			const code = (err.response.data as { code?: unknown } | undefined)?.code;
			if (code === 'UNAUTHORIZED') lost();
		}
		return Promise.reject(err);
	});
	return () => client.interceptors.response.eject(id);
}
