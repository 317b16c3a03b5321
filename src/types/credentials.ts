// The credentials ssohelper hands out, independent of where they were cached or fetched. They
// live below cache/, sso/ and credentials/, which all speak them, so none imports another for a type.

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  /** Undefined for long-term keys. */
  expiration: Date | undefined;
  /**
   * How `aws configure export-credentials` prints this expiration, when the provider gave it as
   * text with its own offset or fraction (a credential_process); otherwise derived from the date.
   */
  expirationText?: string;
  accountId?: string;
}

/** Credentials that expire, as every cached kind has. */
export interface ExpiringCredentials extends AwsCredentials {
  expiration: Date;
}
