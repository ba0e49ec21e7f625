/**
 * A connection URI or `keyword=value` string with every password replaced by `***`, safe for
 * error messages, logs and reports. It never parses strictly: a string that libpq would reject
 * (which is exactly when it ends up in an error message) is redacted too.
 */
export function redactUrl(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  if (scheme) {
    const rest = url.slice(scheme[0].length);
    return scheme[0] + redactQueryPassword(redactUserinfo(rest));
  }
  if (url.includes('=')) return redactConninfoPassword(url);
  // `user:secret@host/db` typed without a scheme.
  return redactUserinfo(url);
}

/**
 * `user:secret@host` -> `user:***@host`. The last `@` ends the user information, because a
 * password with an unencoded `@`, `/` or `?` is precisely the malformed input that gets echoed.
 */
function redactUserinfo(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const colon = text.indexOf(':');
  if (colon < 0 || colon > at) return text;
  return `${text.slice(0, colon + 1)}***${text.slice(at)}`;
}

/** A password with an unencoded `&` runs on to the next `&keyword=`. */
function redactQueryPassword(text: string): string {
  return text.replace(/([?&](?:ssl)?password=)(?:(?!&[A-Za-z_]+=)[\s\S])*/gi, '$1***');
}

/**
 * `password=secret`, `password = 'a b'` and `password=a\ b` in a keyword/value string. An
 * unquoted value with a space (a mistake libpq refuses) runs on to the next `keyword=`.
 */
function redactConninfoPassword(text: string): string {
  return text.replace(/(^|\s)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\[\s\S])*(?:'|$)|(?:(?!\s+[A-Za-z_]+\s*=)[\s\S])*)/gi, '$1$2***');
}
