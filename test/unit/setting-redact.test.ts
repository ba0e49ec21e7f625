import { describe, expect, it } from 'vitest';
import { MASK, redactSetting } from '../../checks/setting-redact.js';

describe('redactSetting', () => {
  it('masks settings whose name says they hold a secret', () => {
    expect(redactSetting('ssl_passphrase_command', 'echo hunter2')).toEqual({ value: MASK, masked: true });
    expect(redactSetting('myext.api_token', 'abc')).toEqual({ value: MASK, masked: true });
    expect(redactSetting('aws.secret_access_key', 'abc')).toEqual({ value: MASK, masked: true });
  });

  it('keeps policy settings whose name merely mentions passwords', () => {
    expect(redactSetting('password_encryption', 'scram-sha-256')).toEqual({ value: 'scram-sha-256', masked: false });
    expect(redactSetting('md5_password_warnings', 'on')).toEqual({ value: 'on', masked: false });
  });

  it('masks a password inside a conninfo, a URI and an environment assignment', () => {
    const conninfo = redactSetting('primary_conninfo', "host=db1 user=rep password='s3 cret' sslmode=require");
    expect(conninfo).toEqual({ value: `host=db1 user=rep password=${MASK} sslmode=require`, masked: true });
    expect(redactSetting('archive_command', 'push postgres://rep:pw@host/db %p').value).toBe(`push postgres://rep:${MASK}@host/db %p`);
    expect(redactSetting('archive_command', 'AWS_SECRET_ACCESS_KEY=abc wal-g wal-push %p').value).toBe(
      `AWS_SECRET_ACCESS_KEY=${MASK} wal-g wal-push %p`,
    );
  });

  it('leaves ordinary values alone', () => {
    expect(redactSetting('work_mem', '4096')).toEqual({ value: '4096', masked: false });
    expect(redactSetting('archive_command', 'cp %p /archive/%f')).toEqual({ value: 'cp %p /archive/%f', masked: false });
    expect(redactSetting('ssl_key_file', 'server.key')).toEqual({ value: 'server.key', masked: false });
  });
});
