"""Vendor adapters behind the domain's capability ports, plus built-in local providers."""
