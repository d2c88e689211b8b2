"""Email audiences: the built-in local outbox and Mailchimp."""
