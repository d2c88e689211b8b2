"""Business rules and use cases of Samia hub; imports no SDK and no web framework."""
