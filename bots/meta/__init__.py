"""Messenger and Instagram on one Meta webhook; sends through facebook-sdk's GraphAPI."""
