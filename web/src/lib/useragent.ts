/**
 * A short, human name for a browser from its User-Agent header ("Firefox on
 * Windows"), for the list of signed-in devices. Order matters: Edge and Opera
 * also claim to be Chrome, Chrome claims to be Safari, Android claims Linux.
 */
const BROWSERS: [RegExp, string][] = [
	[/Edg(e|A|iOS)?\//, 'Edge'],
	[/OPR\/|Opera/, 'Opera'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
	[/Safari\//, 'Safari'],
	[/^curl\//, 'curl']
];

const SYSTEMS: [RegExp, string][] = [
	[/iPhone|iPad|iPod/, 'iOS'],
	[/Android/, 'Android'],
	[/Windows/, 'Windows'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/CrOS/, 'ChromeOS'],
	[/Linux/, 'Linux']
];

export function describeUserAgent(ua: string): string {
	const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
	const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
	if (browser && system) return `${browser} on ${system}`;
	return browser ?? system ?? (ua.trim() ? 'Unknown browser' : 'Unknown device');
}
