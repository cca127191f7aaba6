// Plain HTML for every page, built ahead of time; the small client script only
// adds client-side navigation.
export const prerender = true;
export const trailingSlash = 'never';
