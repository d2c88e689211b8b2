"""Email providers: SMTP on aiosmtplib; the built-in local outbox lives in storage.mailbox."""
