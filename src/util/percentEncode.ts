// RFC 3986 percent-encoding, as botocore's percent_encode and the AWS SDK's query strings do it.

/** Everything but ALPHA / DIGIT / "-._~" is escaped, UTF-8 first. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
