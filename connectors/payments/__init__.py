"""Payment providers: the built-in one, Stripe Checkout, Telegram payments."""
