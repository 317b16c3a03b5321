// The role credentials ssohelper hands out, independent of where they were cached or fetched.

export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  accountId: string;
}
