"""cosell: a keyboard-first terminal workspace for co-sell referrals."""

__version__ = "0.1.0"
