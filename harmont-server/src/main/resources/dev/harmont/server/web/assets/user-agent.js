// A User-Agent as a person names the client: "Chrome 126 on Windows", "curl 8.5.0". Only the
// families people recognise are named; anything else by its first product token. The full string
// stays available next to the name (security-log.js): this is a label, not a verdict.

/** Longer names are cut: the first product token of an unknown client can be 256 characters. */
const MAX_NAME = 40;

// The first match wins, so the order matters: Edge, Opera and Samsung Internet also say Chrome/,
// and every Chromium-based browser also says Safari/.
const BROWSERS = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\bOPR\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bChromium\/(\d+)/, 'Chromium'],
  [/\b(?:Chrome|CriOS)\/(\d+)/, 'Chrome'],
  [/\b(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/\bVersion\/(\d+)[^ ]* (?:.* )?Safari\//, 'Safari'],
];

// iOS and Android before macOS and Linux: an iPhone says "like Mac OS X", Android says Linux.
const SYSTEMS = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

// The Java SDK, and the harmont CLI that is built on it, send "harmont-cloud-java/VERSION
// Java/N", after the application's own product token if it names one (HarmontClient.Builder
// .userAgent). Operators' actions through `harmont admin` are logged with that user agent.
const SDK = /(?:^|\s)harmont-cloud-java\/(\S+)/;
const OPERATOR = 'harmont admin';

/** "name/1.2" as "name 1.2"; the first token, up to a space or a comment, or null. */
function firstProduct(userAgent) {
  const token = userAgent.match(/^[^\s(]+/)?.[0];
  if (!token) return null;
  const slash = token.indexOf('/');
  return slash > 0 && slash < token.length - 1
    ? `${token.slice(0, slash)} ${token.slice(slash + 1)}`
    : token;
}

function cut(name) {
  const chars = [...name];
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : name;
}

/** The client a User-Agent names, short enough for a table cell; the string itself if unknown. */
export function clientName(userAgent) {
  const ua = userAgent.trim();
  if (ua === OPERATOR) return ua;
  for (const [pattern, browser] of BROWSERS) {
    const version = ua.match(pattern)?.[1];
    if (version) {
      const system = SYSTEMS.find(([os]) => os.test(ua))?.[1];
      return system ? `${browser} ${version} on ${system}` : `${browser} ${version}`;
    }
  }
  const sdk = ua.match(SDK);
  if (sdk) {
    return sdk.index === 0 ? `harmont CLI/SDK ${sdk[1]}` : cut(`${firstProduct(ua)} via harmont SDK`);
  }
  return cut(firstProduct(ua) ?? ua);
}
