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
