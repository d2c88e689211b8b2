"""Analytics for readers and admins: figures, and the chart specs drawn from them."""
