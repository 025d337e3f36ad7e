"""The Dictation API; the product lives in ``dictation/v1`` (as in the official SDK)."""
