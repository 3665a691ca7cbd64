"""``syndicate ci``: read the GitHub event, push, summarise, commit the state back."""
