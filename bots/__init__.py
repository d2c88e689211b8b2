"""Chat entry points: one channel-agnostic conversation engine and thin channel adapters."""
