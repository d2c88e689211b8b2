"""Reference exchange rates: the ECB's daily files, and the ECB history a package bundles.

Vendor classes are imported from their modules (`connectors.fx.ecb`) by the composition
root only; both implement the domain's `FxRateSource` and quote 1 EUR in other currencies.
"""
